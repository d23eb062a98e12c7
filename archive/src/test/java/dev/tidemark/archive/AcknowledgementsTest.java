/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Asynchronous acknowledgements against a real embedded archive: each write delivered once, in order, only once
 * durable, within both bounds; bad input refused with nothing tracked.
 */
class AcknowledgementsTest
{
    private static final int VALUE = 32;

    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();

    @Test
    void shouldDeliverEveryWriteOnceInOrderAndOnlyOnceDurable()
    {
        try (DurableStore store = open())
        {
            final List<long[]> delivered = new ArrayList<>();
            final Acknowledgements acks = new Acknowledgements(store, (id, position) ->
            {
                assertTrue(position <= store.durablePosition(), "delivered before durable: " + position);
                delivered.add(new long[]{ id, position });
            }, 1 << 14, 1 << 20);
            final long[] positions = new long[10_000];
            for (int i = 0; i < positions.length; i++)
            {
                positions[i] = acks.track(1000 + i, store.put(i % 500, value(i), 0, VALUE, Durability.NONE));
                if (0 == (i & 31))
                {
                    acks.poll();
                }
            }
            drain(acks);
            assertEquals(positions.length, delivered.size());
            for (int i = 0; i < positions.length; i++)
            {
                assertEquals(1000 + i, delivered.get(i)[0], "order");
                assertEquals(positions[i], delivered.get(i)[1]);
            }
            assertEquals(0, acks.poll(), "nothing delivered twice");
            assertEquals(-1, acks.oldestPendingPosition());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldHoldBothBoundsByWaitingInTrack()
    {
        try (DurableStore store = open())
        {
            final long[] count = { 0 };
            final Acknowledgements byCount = new Acknowledgements(store, (id, position) -> count[0]++, 4, 1 << 30);
            for (int i = 0; i < 2_000; i++)
            {
                byCount.track(i, store.put(i % 500, value(i), 0, VALUE, Durability.NONE));
                assertTrue(byCount.pending() <= 4, "more pending than the capacity: " + byCount.pending());
            }
            drain(byCount);
            assertEquals(2_000, count[0]);

            final long maxBytes = 4096;
            final Acknowledgements byBytes = new Acknowledgements(store, (id, position) -> count[0]++, 1 << 16,
                maxBytes);
            for (int i = 0; i < 2_000; i++)
            {
                final long position = store.put(i % 500, value(i), 0, VALUE, Durability.NONE);
                byBytes.track(i, position);
                assertTrue(position - store.durablePosition() <= maxBytes,
                    "bytes in flight past the bound: " + (position - store.durablePosition()));
            }
            drain(byBytes);
            assertEquals(4_000, count[0]);
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldRefuseBadInputAndTrackNothing()
    {
        try (DurableStore store = open())
        {
            final Acknowledgements.Handler handler = (id, position) -> { };
            assertThrows(IllegalArgumentException.class, () -> new Acknowledgements(store, handler, 3, 1024));
            assertThrows(IllegalArgumentException.class, () -> new Acknowledgements(store, handler, 0, 1024));
            assertThrows(IllegalArgumentException.class, () -> new Acknowledgements(store, handler, 8, 0));
            assertThrows(IllegalArgumentException.class, () -> new Acknowledgements(store, null, 8, 1024));
            assertThrows(IllegalArgumentException.class, () -> new Acknowledgements(null, handler, 8, 1024));

            final Acknowledgements acks = new Acknowledgements(store, handler, 8, 1 << 20);
            final long position = store.put(1L, value(1), 0, VALUE, Durability.NONE);
            acks.track(1, position);
            final IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class,
                () -> acks.track(2, position - 1));
            assertTrue(backwards.getMessage().contains("in the order the writes were made"), backwards.getMessage());
            final IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> acks.track(3, store.position() + 64));
            assertTrue(beyond.getMessage().contains("beyond the store's position"), beyond.getMessage());
            assertEquals(1, acks.pending(), "a refused position was tracked");
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldRefuseToTrackOrPollOnceTheStoreIsClosedRatherThanReadItsCounters()
    {
        final Acknowledgements acks;
        final long position;
        try (DurableStore store = open())
        {
            acks = new Acknowledgements(store, (id, p) -> { }, 8, 1 << 20);
            position = store.put(1L, value(1), 0, VALUE, Durability.NONE);
            acks.track(1, position);
        }
        assertThrows(IllegalStateException.class, acks::poll);
        assertThrows(IllegalStateException.class, () -> acks.track(2, position + 64));
        assertEquals(1, acks.pending());
    }

    @Test
    void shouldCountAWriteDeliveredWhenItsHandlerThrowsAndKeepTheRest()
    {
        try (DurableStore store = open())
        {
            final List<Long> seen = new ArrayList<>();
            final Acknowledgements acks = new Acknowledgements(store, (id, p) ->
            {
                seen.add(id);
                if (2 == id)
                {
                    throw new IllegalStateException("handler failed");
                }
            }, 8, 1 << 20);
            for (long id = 1; id <= 4; id++)
            {
                acks.track(id, store.put(id, value(id), 0, VALUE, Durability.NONE));
            }
            store.awaitDurable(store.position());
            assertThrows(IllegalStateException.class, acks::poll);
            assertEquals(List.of(1L, 2L), seen);
            assertEquals(2, acks.pending());
            assertEquals(2, acks.poll());
            assertEquals(List.of(1L, 2L, 3L, 4L), seen);
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldKeepTheTrackedWriteWhenAHandlerDeliveredToMakeRoomThrows()
    {
        try (DurableStore store = open())
        {
            final List<Long> seen = new ArrayList<>();
            final Acknowledgements acks = new Acknowledgements(store, (id, p) ->
            {
                seen.add(id);
                if (1 == id)
                {
                    throw new IllegalStateException("handler failed for 1");
                }
            }, 1, 1 << 20);
            acks.track(1, store.put(1L, value(1), 0, VALUE, Durability.NONE));
            // Full at one: this track delivers 1 to make room, whose handler throws; 2 must still be tracked.
            acks.track(2, store.put(2L, value(2), 0, VALUE, Durability.NONE));
            assertEquals(1, acks.pending());
            assertTrue(acks.drain(TimeUnit.SECONDS.toNanos(60)));
            assertEquals(List.of(1L, 2L), seen);
        }
        assertEquals(1, errors.size(), "the handler's failure went to the error handler: " + errors);
        assertEquals("handler failed for 1", errors.get(0).getMessage());
    }

    @Test
    void shouldCallTheHandlerOneWriteAtATimeWhenItTracksAndPollsItself()
    {
        try (DurableStore store = open())
        {
            final List<String> calls = new ArrayList<>();
            final Acknowledgements[] holder = new Acknowledgements[1];
            holder[0] = new Acknowledgements(store, (id, p) ->
            {
                calls.add("begin " + id);
                assertEquals(0, holder[0].poll(), "a poll inside the handler delivers nothing");
                if (1 == id)
                {
                    // Room for one: the second follow-up finds the tracker full inside the handler.
                    for (long followUp = 100; followUp <= 101; followUp++)
                    {
                        holder[0].track(followUp, store.put(followUp, value(followUp), 0, VALUE, Durability.NONE));
                    }
                }
                calls.add("end " + id);
            }, 2, 1 << 20);
            final Acknowledgements acks = holder[0];
            for (long id = 1; id <= 2; id++)
            {
                acks.track(id, store.put(id, value(id), 0, VALUE, Durability.NONE));
            }
            store.awaitDurable(store.position());
            final IllegalStateException full = assertThrows(IllegalStateException.class, acks::poll);
            assertTrue(full.getMessage().contains("from inside the handler"), full.getMessage());
            assertEquals(List.of("begin 1"), calls, "the handler's exception ended the poll");
            assertEquals(2, acks.pending(), "2 and the first follow-up");
            calls.clear();
            assertTrue(acks.drain(TimeUnit.SECONDS.toNanos(60)));
            for (int i = 0; i + 1 < calls.size(); i += 2)
            {
                assertEquals(calls.get(i).replace("begin", "end"), calls.get(i + 1), "nested handler calls: " + calls);
            }
            assertEquals(List.of("begin 2", "end 2", "begin 100", "end 100"), calls);
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldRefuseATrackFromTheHandlerWhileATrackMakesRoomSoNothingOvertakesIt()
    {
        try (DurableStore store = open())
        {
            final List<Long> seen = new ArrayList<>();
            final Acknowledgements[] holder = new Acknowledgements[1];
            holder[0] = new Acknowledgements(store, (id, p) ->
            {
                seen.add(id);
                if (1 == id)
                {
                    holder[0].track(100, store.put(100L, value(100), 0, VALUE, Durability.NONE));
                }
                if (2 == id)
                {
                    holder[0].drain(TimeUnit.SECONDS.toNanos(1));
                }
            }, 1, 1 << 20);
            final Acknowledgements acks = holder[0];
            acks.track(1, store.put(1L, value(1), 0, VALUE, Durability.NONE));
            final long second = store.put(2L, value(2), 0, VALUE, Durability.NONE);
            acks.track(2, second); // full: delivers 1 to make room, whose handler's track is refused
            assertEquals(1, acks.pending());
            assertEquals(second, acks.oldestPendingPosition(), "2 is next, nothing went ahead of it");
            store.awaitDurable(store.position());
            final IllegalStateException drainInside = assertThrows(IllegalStateException.class, acks::poll);
            assertTrue(drainInside.getMessage().contains("drain from inside the handler"), drainInside.getMessage());
            assertEquals(List.of(1L, 2L), seen);
        }
        assertEquals(1, errors.size(), "the refused track, reported: " + errors);
        assertTrue(errors.get(0).getMessage().contains("while a track at a bound delivers to make room"),
            errors.get(0).getMessage());
    }

    @Test
    void shouldDrainBeforeCloseAndFailClearlyOnceTheRecordingIsStopped()
    {
        final String aeronDir = io.aeron.CommonContext.getAeronDirectoryName() + "-acks-" + System.nanoTime();
        try (DurableStore store = DurableStore.open(new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(VALUE).capacity(1000))
            .aeronDirectoryName(aeronDir).errorHandler(errors::add)))
        {
            final List<Long> seen = new ArrayList<>();
            final Acknowledgements acks = new Acknowledgements(store, (id, p) -> seen.add(id), 64, 1 << 20);
            for (long id = 1; id <= 10; id++)
            {
                acks.track(id, store.put(id, value(id), 0, VALUE, Durability.NONE));
            }
            assertTrue(acks.drain(TimeUnit.SECONDS.toNanos(60)));
            assertEquals(10, seen.size());
            acks.track(11, store.put(11L, value(11), 0, VALUE, Durability.NONE));
            try (io.aeron.archive.client.AeronArchive operator = io.aeron.archive.client.AeronArchive.connect(
                new io.aeron.archive.client.AeronArchive.Context().aeronDirectoryName(aeronDir)
                    .controlRequestChannel("aeron:ipc").controlResponseChannel("aeron:ipc")))
            {
                assertTrue(operator.tryStopRecordingByIdentity(store.recordingId()));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (store.durablePosition() >= 0 && System.nanoTime() - deadline < 0)
            {
                Thread.onSpinWait();
            }
            final dev.tidemark.store.TidemarkException stopped = assertThrows(
                dev.tidemark.store.TidemarkException.class, acks::poll);
            assertTrue(stopped.getMessage().contains("stopped under the store"), stopped.getMessage());
            assertTrue(stopped.isFatal());
            assertThrows(dev.tidemark.store.TidemarkException.class, () -> acks.drain(1));
            assertThrows(dev.tidemark.store.TidemarkException.class, () -> acks.track(12, store.position()));
            assertEquals(1, acks.pending(), "the write not delivered stays pending, unacknowledged");
            store.closeWithoutCheckpoint();
        }
        catch (final dev.tidemark.store.TidemarkException ex)
        {
            assertTrue(ex.getMessage().contains("stopped under the store"), ex.getMessage());
        }
    }

    private static void drain(final Acknowledgements acks)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acks.pending() > 0 && System.nanoTime() - deadline < 0)
        {
            acks.poll();
            Thread.onSpinWait();
        }
        assertEquals(0, acks.pending(), "writes left unacknowledged after 60 s");
    }

    private DurableStore open()
    {
        return DurableStore.open(new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(VALUE).capacity(1000))
            .errorHandler(errors::add));
    }

    private static UnsafeBuffer value(final long v)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE));
        buffer.putLong(0, v);
        return buffer;
    }
}
