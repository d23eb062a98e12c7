/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DurableStoreTest
{
    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();

    @Test
    void shouldReopenCleanlyWithNothingToReplay()
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        final long lastPosition;
        final long recordingId;
        try (DurableStore store = DurableStore.open(context()))
        {
            for (long key = 0; key < 2000; key++)
            {
                value.putLong(0, key * 7);
                final long position = store.put(key, value, 0, 16,
                    0 == key % 2 ? Durability.NONE : Durability.RECORDED);
                assertTrue(position > 0);
            }
            store.checkpointAndAwait();
            final StoreBatch batch = store.newBatch();
            batch.put(5000L, value, 0, 8).remove(1L);
            store.apply(batch);
            assertTrue(store.durablePosition() >= store.position());
            lastPosition = store.position();
            recordingId = store.recordingId();
        }
        try (DurableStore store = DurableStore.open(context()))
        {
            assertEquals(0, store.recovery().replayedMessages());
            assertEquals(recordingId, store.recordingId());
            assertEquals(lastPosition, store.position());
            assertEquals(2000, store.size());
            assertFalse(store.contains(1L));
            final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
            assertEquals(16, store.get(1999L, out, 0));
            assertEquals(1999 * 7, out.getLong(0));
            value.putLong(0, 1);
            assertTrue(store.put(1L, value, 0, 8) > lastPosition);
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void shouldRefuseWritesToAFullTableWithNothingAppliedOrPublished()
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        final long position;
        try (DurableStore store = DurableStore.open(context(16)))
        {
            for (long key = 0; key < 16; key++)
            {
                value.putLong(0, key);
                store.put(key, value, 0, 8, Durability.RECORDED);
            }
            position = store.position();
            final long sequence = store.sequence();

            final IllegalStateException single = assertThrows(
                IllegalStateException.class, () -> store.put(99L, value, 0, 8, Durability.RECORDED));
            assertTrue(single.getMessage().contains("table full: capacity=16"), single.getMessage());

            final StoreBatch batch = store.newBatch();
            batch.put(3L, value, 0, 8).remove(4L).put(100L, value, 0, 8).put(101L, value, 0, 8);
            final IllegalStateException whole = assertThrows(IllegalStateException.class, () -> store.apply(batch));
            assertTrue(whole.getMessage().contains("table full: batch operation 3"), whole.getMessage());

            assertEquals(position, store.position(), "nothing published");
            assertEquals(sequence, store.sequence(), "nothing applied");
            assertEquals(16, store.size());
            assertFalse(store.contains(99L));
            assertFalse(store.contains(100L));
            assertTrue(store.contains(4L));

            // Replacing an existing key in a full table still works, and the stream goes on from where it was.
            value.putLong(0, 77);
            assertTrue(store.put(3L, value, 0, 8, Durability.RECORDED) > position);
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = DurableStore.open(context(16)))
        {
            assertTrue(store.recovery().replayedMessages() > 0,
                "reopened without a final checkpoint: the tail is replayed");
            final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
            assertEquals(8, store.get(3L, out, 0));
            assertEquals(77, out.getLong(0));
            assertFalse(store.contains(99L));
            assertEquals(16, store.size());
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void shouldCheckpointByElapsedTimeWhenPolled()
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        try (DurableStore store = DurableStore.open(context()
            .checkpointIntervalNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20))))
        {
            final long before = store.storeView().checkpointsCommitted();
            store.put(1L, value, 0, 8);
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (store.storeView().checkpointsCommitted() == before)
            {
                assertTrue(System.nanoTime() < deadline, "no time-based checkpoint within 10 s");
                store.poll();
            }
            assertEquals(store.position(), store.storeView().lastCheckpointPosition());
            final long after = store.storeView().checkpointsCommitted();
            final long idleUntil = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
            while (System.nanoTime() < idleUntil)
            {
                store.poll();
            }
            assertEquals(after, store.storeView().checkpointsCommitted(), "nothing changed: no new checkpoint");
        }
    }

    @Test
    void shouldFailWritesClearlyWhenTheRecordingIsStoppedUnderTheStore()
    {
        final String aeronDir = io.aeron.CommonContext.getAeronDirectoryName() + "-stopped-" + System.nanoTime();
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        try (DurableStore store = DurableStore.open(context().aeronDirectoryName(aeronDir)
            .backPressureTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200))
            .durableTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500))))
        {
            store.put(1L, value, 0, 8, Durability.RECORDED);
            try (io.aeron.archive.client.AeronArchive operator = io.aeron.archive.client.AeronArchive.connect(
                new io.aeron.archive.client.AeronArchive.Context().aeronDirectoryName(aeronDir)
                    .controlRequestChannel("aeron:ipc").controlResponseChannel("aeron:ipc")))
            {
                assertTrue(operator.tryStopRecordingByIdentity(store.recordingId()));
            }
            final long sequence = store.sequence();
            final dev.tidemark.store.TidemarkException failure = assertThrows(
                dev.tidemark.store.TidemarkException.class,
                () ->
                {
                    for (long key = 2; key < 1_000_000; key++)
                    {
                        store.put(key, value, 0, 8, Durability.RECORDED);
                    }
                });
            assertTrue(failure.getMessage().contains("stopped under the store") ||
                failure.getMessage().contains("back-pressured"), failure.getMessage());
            assertTrue(store.sequence() <= sequence + 1, "at most the one unacknowledged write was applied");
            store.closeWithoutCheckpoint();
        }
        catch (final dev.tidemark.store.TidemarkException ex)
        {
            assertTrue(ex.getMessage().contains("stopped under the store"), ex.getMessage());
        }
    }

    private DurableStoreContext context()
    {
        return context(10_000);
    }

    private DurableStoreContext context(final int capacity)
    {
        return new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(64).capacity(capacity))
            .errorHandler(errors::add);
    }
}
