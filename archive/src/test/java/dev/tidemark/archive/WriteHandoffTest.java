/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreReader;
import dev.tidemark.store.TidemarkException;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Writes handed to the writer from other threads: several producers at once, every request applied once and in each
 * producer's order, with results and durable completions; back-pressure from the ring and from the window; bad input
 * refused at the offer; a full table reported per request; the handoff run as an Agent that drains and closes; no
 * allocation on either side.
 */
class WriteHandoffTest
{
    private static final int VALUE = 64;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);

    @TempDir
    File dir;

    @Test
    void shouldApplyEveryRequestOfSeveralProducersOnceAndInEachProducersOrder() throws Exception
    {
        final int producers = 4;
        final int requests = 20_000;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[][] positions = new long[producers][requests + 1];
        try (DurableStore store = DurableStore.open(context(100_000)))
        {
            final long sequenceBefore = store.sequence();
            final WriteHandoff handoff = new WriteHandoff(store, 1 << 16, producers, 256);
            final List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++)
            {
                final int producerId = p;
                final WriteHandoff.Producer producer = handoff.newProducer();
                final StoreBatch batch = store.newBatch();
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        produce(producer, producerId, requests, batch, positions[producerId]);
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "producer-" + p);
                threads.add(thread);
                thread.start();
            }
            final long deadline = System.nanoTime() + TIMEOUT_NS;
            while (threads.stream().anyMatch(Thread::isAlive) && System.nanoTime() - deadline < 0)
            {
                if (0 == handoff.poll())
                {
                    Thread.yield();
                }
            }
            handoff.close();
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
                assertFalse(thread.isAlive(), "a producer did not finish");
            }
            assertNull(failure.get(), () -> "a producer failed: " + failure.get());
            assertEquals((long)producers * requests, handoff.appliedCount());
            // One mutation per request: nothing applied twice, nothing dropped.
            assertEquals(sequenceBefore + (long)producers * requests, store.sequence());
            for (int p = 0; p < producers; p++)
            {
                for (int t = 2; t <= requests; t++)
                {
                    assertTrue(positions[p][t] > positions[p][t - 1],
                        "producer " + p + " ticket " + t + " applied out of order");
                }
            }
            // The last write of each key wins: in a producer's order, its keys end at their last version.
            final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE]);
            for (int p = 0; p < producers; p++)
            {
                for (int k = 0; k < 100; k++)
                {
                    final long key = p * 1000L + k;
                    final int last = lastRequestFor(k, requests);
                    if (isRemove(last))
                    {
                        assertFalse(store.contains(key), "key " + key + " removed last");
                    }
                    else
                    {
                        assertEquals(VALUE, store.get(key, out, 0), "key " + key);
                        assertEquals(p, out.getLong(0));
                        assertEquals(last, out.getLong(8), "key " + key + " holds its producer's last write");
                    }
                }
            }
        }
    }

    /**
     * Request t (from 1) of a producer: every 16th a batch of two puts, every 7th a remove, the rest puts; key k =
     * t % 100 of the producer's own range.
     */
    private static void produce(
        final WriteHandoff.Producer producer,
        final int producerId,
        final int requests,
        final StoreBatch batch,
        final long[] positions)
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE));
        long lastDurable = 0;
        for (int t = 1; t <= requests; t++)
        {
            final long key = producerId * 1000L + (t % 100);
            value.putLong(0, producerId);
            value.putLong(8, t);
            long ticket;
            do
            {
                if (0 == t % 16)
                {
                    batch.clear().put(key, value, 0, VALUE).put(producerId * 1000L + 999, value, 0, VALUE);
                    ticket = producer.offerBatch(batch);
                }
                else if (isRemove(t))
                {
                    ticket = producer.offerRemove(key);
                }
                else
                {
                    ticket = producer.offerPut(key, value, 0, VALUE);
                }
                if (WriteHandoff.BACK_PRESSURED == ticket)
                {
                    Thread.yield();
                }
            }
            while (WriteHandoff.BACK_PRESSURED == ticket);
            assertEquals(t, ticket, "tickets count the producer's requests");
            if (0 == t % 64)
            {
                // Wait for this one now and then (otherwise the window's back-pressure paces the producer).
                positions[t] = producer.awaitApplied(ticket, TIMEOUT_NS);
                assertTrue(positions[t] > 0, "result " + positions[t]);
                assertEquals(positions[t], producer.awaitDurable(ticket, TIMEOUT_NS));
                assertTrue(producer.durableTicket() >= ticket);
                assertTrue(producer.durableTicket() >= lastDurable);
                lastDurable = producer.durableTicket();
            }
            final long applied = producer.appliedTicket();
            // Results are kept for the last window of tickets: collect those applied meanwhile.
            for (int u = Math.max(1, t - 255); u <= applied && u <= t; u++)
            {
                if (0 == positions[u])
                {
                    positions[u] = producer.result(u);
                }
            }
        }
        for (int u = Math.max(1, requests - 255); u <= requests; u++)
        {
            positions[u] = producer.awaitApplied(u, TIMEOUT_NS);
        }
        for (int u = 1; u <= requests; u++)
        {
            assertTrue(positions[u] > 0, "producer " + producerId + " ticket " + u + ": result " + positions[u] +
                " never collected (window passed it by)");
        }
    }

    private static boolean isRemove(final int t)
    {
        return 0 != t % 16 && 0 == t % 7;
    }

    private static int lastRequestFor(final int k, final int requests)
    {
        return requests - ((requests - k) % 100);
    }

    @Test
    void shouldBackPressureAtAFullRingAndAtAFullWindowAndRecover()
    {
        try (DurableStore store = DurableStore.open(context(100_000)))
        {
            final WriteHandoff handoff = new WriteHandoff(store, 4096, 1, 1 << 20);
            final WriteHandoff.Producer producer = handoff.newProducer();
            final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE]);
            int offered = 0;
            while (producer.offerPut(offered, value, 0, VALUE) > 0)
            {
                offered++;
            }
            assertTrue(offered > 10 && offered < 4096 / VALUE, "the ring took " + offered);
            assertEquals(0, producer.appliedTicket(), "nothing applied until the writer polls");
            handoff.poll();
            assertEquals(offered, producer.appliedTicket(), "the writer drained the ring");
            assertTrue(producer.offerPut(-1, value, 0, VALUE) > 0, "room again");

            final WriteHandoff small = new WriteHandoff(store, 1 << 16, 1, 4);
            final WriteHandoff.Producer windowed = small.newProducer();
            for (int i = 0; i < 4; i++)
            {
                assertEquals(i + 1, windowed.offerPut(i, value, 0, VALUE));
            }
            assertEquals(WriteHandoff.BACK_PRESSURED, windowed.offerPut(5, value, 0, VALUE), "window of 4 full");
            final long deadline = System.nanoTime() + TIMEOUT_NS;
            while (windowed.durableTicket() < 4 && System.nanoTime() - deadline < 0)
            {
                small.poll();
            }
            assertEquals(4, windowed.durableTicket());
            assertEquals(5, windowed.offerPut(5, value, 0, VALUE));
            small.close();
            assertEquals(WriteHandoff.CLOSED, windowed.offerPut(6, value, 0, VALUE));
            assertEquals(5, windowed.appliedTicket(), "the close drained the ring");
            handoff.close();
        }
    }

    @Test
    void shouldRefuseBadInputAtTheOfferAndReportAFullTablePerRequest()
    {
        try (DurableStore store = DurableStore.open(context(16)))
        {
            final WriteHandoff handoff = new WriteHandoff(store, 1 << 16, 2, 64);
            final WriteHandoff.Producer producer = handoff.newProducer();
            handoff.newProducer();
            assertThrows(IllegalStateException.class, handoff::newProducer, "only two producers");
            final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE + 1]);
            assertThrows(IllegalArgumentException.class, () -> producer.offerPut(1, value, 0, VALUE + 1));
            assertThrows(IllegalArgumentException.class, () -> producer.offerPut(1, value, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> producer.offerPut(1, value, 60, VALUE));
            assertThrows(NullPointerException.class, () -> producer.offerPut(1, null, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> producer.offerPut(value, 60, value, 0, 1),
                "an 8-byte key at offset 60 of a 65-byte buffer");
            assertThrows(IllegalArgumentException.class, () -> producer.offerRemove(value, 58));
            assertThrows(IllegalArgumentException.class, () -> producer.offerBatch(store.newBatch()), "empty batch");
            assertThrows(IllegalArgumentException.class, () -> new WriteHandoff(store, 1000, 1, 64));
            assertThrows(IllegalArgumentException.class, () -> new WriteHandoff(store, 512, 1, 64),
                "a ring whose largest request is shorter than the largest put");
            handoff.poll();
            assertEquals(0, handoff.appliedCount(), "nothing enqueued by a refused offer");
            assertEquals(0, store.size());

            // The table holds 16: the 17th distinct key comes back TABLE_FULL and changes nothing.
            long ticket = 0;
            for (int i = 0; i < 17; i++)
            {
                ticket = producer.offerPut(i, value, 0, 8);
                assertTrue(ticket > 0);
            }
            final long last = ticket;
            handoff.poll();
            assertEquals(WriteHandoff.TABLE_FULL, producer.awaitApplied(last, TIMEOUT_NS));
            assertTrue(producer.result(last - 1) > 0);
            assertEquals(16, store.size());
            assertFalse(store.contains(16L));
            assertThrows(IllegalArgumentException.class, () -> producer.result(last + 1), "not issued yet");
            assertThrows(IllegalArgumentException.class, () -> producer.result(0));
            assertThrows(IllegalArgumentException.class, () -> new WriteHandoff(store, 1 << 16, 1, 1 << 25));
            assertThrows(IllegalArgumentException.class, () -> producer.awaitApplied(last + 1, 1));
            final long deadline = System.nanoTime() + TIMEOUT_NS;
            while (producer.durableTicket() < last && System.nanoTime() - deadline < 0)
            {
                handoff.poll();
            }
            assertEquals(last, producer.durableTicket(), "a refused request completes too");
            final TidemarkException timeout = assertThrows(TidemarkException.class, () ->
            {
                final long removal = producer.offerRemove(3);
                producer.awaitApplied(removal, TimeUnit.MILLISECONDS.toNanos(20)); // nobody polls
            });
            assertTrue(timeout.getMessage().contains("is the writer polling"), timeout.getMessage());
            handoff.close();
        }
    }

    @Test
    void shouldRunAsAnAgentThatDrainsAndClosesTheStore() throws Exception
    {
        final DurableStore store = DurableStore.open(context(100_000));
        final WriteHandoff handoff = new WriteHandoff(store, 1 << 16, 1, 1024);
        final WriteHandoff.Producer producer = handoff.newProducer();
        final StoreReader reader = store.storeView().newReader();
        final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null,
            handoff);
        AgentRunner.startOnThread(runner);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE]);
        long ticket = 0;
        for (int i = 0; i < 5_000; i++)
        {
            value.putLong(0, i);
            while ((ticket = producer.offerPut(i, value, 0, VALUE)) == WriteHandoff.BACK_PRESSURED)
            {
                Thread.yield();
            }
        }
        assertTrue(producer.awaitApplied(ticket, TIMEOUT_NS) > 0);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE]);
        assertEquals(VALUE, reader.get(4_999, out, 0), "a reader thread sees the handed-off write");
        runner.close();
        // The close drained the ring and waited for the log: every request hears it is durable.
        assertEquals(ticket, producer.durableTicket());
        assertEquals(WriteHandoff.CLOSED, producer.offerPut(1, value, 0, VALUE));
        try (DurableStore reopened = DurableStore.open(context(100_000)))
        {
            assertEquals(5_000, reopened.size());
            assertEquals(VALUE, reopened.get(4_999, out, 0));
            assertEquals(4_999, out.getLong(0));
        }
    }

    @Test
    void shouldFailRequestsOfAStoreClosedUnderTheHandoffAndNeverCallThemDurable()
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE]);
        final DurableStore store = DurableStore.open(context(100_000));
        final WriteHandoff handoff = new WriteHandoff(store, 1 << 16, 1, 64);
        final WriteHandoff.Producer producer = handoff.newProducer();
        final long first = producer.offerPut(1, value, 0, VALUE);
        handoff.poll();
        assertTrue(producer.result(first) > 0);
        final long second = producer.offerPut(2, value, 0, VALUE);
        final long third = producer.offerRemove(1);
        store.close();
        handoff.close(); // drains the two requests into a closed store
        assertEquals(WriteHandoff.FAILED, producer.result(second), "not TABLE_FULL");
        assertEquals(WriteHandoff.FAILED, producer.result(third));
        assertNotNull(handoff.failure());
        assertTrue(handoff.failure().getMessage().contains("closed"), handoff.failure().getMessage());
        assertEquals(WriteHandoff.CLOSED, producer.offerPut(3, value, 0, VALUE));
        // The first was applied; whether it was durable when the store closed, it is never reported durable by a
        // guess: either it was seen durable, or it stays pending.
        assertTrue(producer.durableTicket() == 0 || producer.durableTicket() == third,
            "durable ticket " + producer.durableTicket());
    }

    @Test
    void shouldAllocateNothingToOfferApplyAndComplete() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (DurableStore store = DurableStore.open(context(100_000)))
        {
            final WriteHandoff handoff = new WriteHandoff(store, 1 << 16, 1, 1024);
            final WriteHandoff.Producer producer = handoff.newProducer();
            final StoreBatch batch = store.newBatch();
            final AtomicBoolean done = new AtomicBoolean();
            final long[] producerWindows = new long[12];
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE));
                    final long id = Thread.currentThread().getId();
                    for (int window = 0; window < producerWindows.length; window++)
                    {
                        final long start = threads.getThreadAllocatedBytes(id);
                        for (int i = 0; i < 20_000; i++)
                        {
                            long ticket;
                            do
                            {
                                ticket = 0 == (i & 15) ? producer.offerBatch(batch.clear().put(i, value, 0, VALUE)) :
                                    0 == (i & 7) ? producer.offerRemove(i) : producer.offerPut(i, value, 0, VALUE);
                            }
                            while (WriteHandoff.BACK_PRESSURED == ticket);
                            if (0 == (i & 1023))
                            {
                                producer.awaitDurable(ticket, TIMEOUT_NS);
                            }
                        }
                        producerWindows[window] = threads.getThreadAllocatedBytes(id) - start;
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
                finally
                {
                    done.set(true);
                }
            });
            thread.start();
            final long id = Thread.currentThread().getId();
            final List<Long> writerWindows = new ArrayList<>();
            long start = threads.getThreadAllocatedBytes(id);
            long nextWindow = 20_000;
            while (!done.get())
            {
                handoff.poll();
                if (handoff.appliedCount() >= nextWindow)
                {
                    writerWindows.add(threads.getThreadAllocatedBytes(id) - start);
                    start = threads.getThreadAllocatedBytes(id);
                    nextWindow += 20_000;
                }
            }
            thread.join();
            handoff.close();
            assertNull(failure.get(), () -> String.valueOf(failure.get()));
            // A path that allocates would allocate in every window (20,000 requests: hundreds of KiB for one small
            // object each). What a window may show otherwise is the JVM deoptimising compiled code the first time a
            // rare branch is taken and re-creating the objects it had scalar-replaced (256 bytes, once, in one run):
            // so, after the first window (class loading, the JIT), every window under 1 KiB and two windows in a row
            // allocating nothing, on each side.
            final List<Long> producerList = new ArrayList<>();
            for (final long bytes : producerWindows)
            {
                producerList.add(bytes);
            }
            assertQuiet(producerList, "producer bytes per 20,000 offers");
            assertTrue(writerWindows.size() >= 8, "writer windows: " + writerWindows);
            assertQuiet(writerWindows.subList(0, writerWindows.size() - 1), "writer bytes per 20,000 applied");
        }
    }

    private static void assertQuiet(final List<Long> windows, final String what)
    {
        boolean twoZeros = false;
        for (int i = 1; i < windows.size(); i++)
        {
            assertTrue(windows.get(i) < 1024, what + ": " + windows);
            twoZeros |= i >= 2 && 0 == windows.get(i) && 0 == windows.get(i - 1);
        }
        assertTrue(twoZeros, what + ", two windows in a row without allocation: " + windows);
    }

    private DurableStoreContext context(final int capacity)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(VALUE)
            .capacity(capacity)).checkpointLogBytes(1 << 20).errorHandler(Throwable::printStackTrace);
    }
}
