/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Checkpoints taken while the writer keeps changing the very pages being copied: the committed image is exactly
 * the state at the checkpoint's position.
 */
class CheckpointTest
{
    private static final int CAPACITY = 40_000;
    private static final int MAX_VALUE = 64;

    @TempDir
    File dir;

    @Test
    void shouldCommitExactStateAtPositionWhileWriterRewritesPendingPagesInvokerMode()
    {
        commitExactStateWhileWriterRewritesPendingPages(0);
    }

    @Test
    void shouldCommitExactStateWhenWriterSavesPreImagesInItsRing()
    {
        // A small ring: the writer both saves pre-images and, when the ring is full, writes the slot itself.
        commitExactStateWhileWriterRewritesPendingPages(16);
    }

    private void commitExactStateWhileWriterRewritesPendingPages(final int preImagePages)
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        final Map<Long, byte[]> model = new HashMap<>();
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));
        final Map<Long, byte[]> atCheckpoint;
        final long checkpointSequence;

        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)
            .useCheckpointerInvoker(true).checkpointPagesPerDutyCycle(1).checkpointPreImagePages(preImagePages)))
        {
            fill(store, model, value, random, 30_000);
            store.checkpointAndAwait();
            fill(store, model, value, random, 30_000);

            assertTrue(store.checkpoint());
            checkpointSequence = store.lastSequence();
            atCheckpoint = new HashMap<>(model);

            // One page copied by the checkpointer for every few writes: most writes land on pending pages.
            while (store.isCheckpointInProgress())
            {
                fill(store, model, value, random, 5);
                store.checkpointerInvoker().invoke();
            }
            assertEquals(1 + 1, store.checkpointsCommitted(), "seed=" + seed);
            assertTrue(store.statistics().writerPageCopies() > 0, "the writer never met a pending page: seed=" + seed);
            if (preImagePages > 0)
            {
                assertTrue(store.statistics().writerSlotCopies() < store.statistics().writerPageCopies(),
                    "the ring was never used");
                assertTrue(store.statistics().writerSlotCopies() > 0,
                    "the ring never filled: the fallback was not exercised");
            }
            else
            {
                assertEquals(store.statistics().writerPageCopies(), store.statistics().writerSlotCopies());
            }
            store.closeWithoutCheckpoint();
        }

        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            assertEquals(checkpointSequence, store.statistics().restoredSequence(), "seed=" + seed);
            Fixtures.assertStoreEquals(atCheckpoint, store, "seed=" + seed);
        }
    }

    @Test
    void shouldCommitExactStateWithForcesOnTheirOwnThreadFlushedInStepsAndPaced()
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        final Map<Long, byte[]> model = new HashMap<>();
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));
        final Map<Long, byte[]> atCheckpoint;
        final long checkpointSequence;

        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)
            .useCheckpointerInvoker(true).checkpointForcerThread(true).checkpointPagesPerDutyCycle(2)
            .checkpointFlushBytes(8 * 4096).checkpointWriteBytesPerSecond(32L << 20).checkpointPreImagePages(8)))
        {
            assertTrue(forcerThreadRunning(), "no forcer thread");
            fill(store, model, value, random, 30_000);
            store.checkpointAndAwait();
            fill(store, model, value, random, 30_000);

            assertTrue(store.checkpoint());
            checkpointSequence = store.lastSequence();
            atCheckpoint = new HashMap<>(model);
            final long startNs = System.nanoTime();
            while (store.isCheckpointInProgress())
            {
                fill(store, model, value, random, 5);
                store.checkpointerInvoker().invoke();
            }
            final long tookNs = System.nanoTime() - startNs;
            assertEquals(1 + 1, store.checkpointsCommitted(), "seed=" + seed);
            // Flushed in steps: a force once 8 pages are unforced, or, while the forcer is still busy with the last,
            // as soon as it is idle again (so fewer than one per 8 pages when forces are slow, never more).
            final int copied = store.statistics().lastCheckpointPagesCopied();
            final int flushes = store.statistics().lastCheckpointFlushes();
            assertTrue(copied > 64, "too few pages to show steps: " + copied);
            assertTrue(flushes >= 1 && flushes <= copied / 8 + 1, "flushes " + flushes + " for " + copied +
                " pages, seed=" + seed);
            // Paced at 32 MiB/s: the pages beyond the bucket's burst cannot have been written faster than that.
            final long pacedBytes = (copied - 8L) * 4096;
            assertTrue(tookNs >= pacedBytes * 1_000_000_000L / (32L << 20) / 2, "took " + tookNs + " ns for " +
                copied + " pages at 32 MiB/s, seed=" + seed);
            assertTrue(store.statistics().writerPageCopies() > 0, "the writer never met a pending page: seed=" + seed);
            store.closeWithoutCheckpoint();
        }
        assertFalse(forcerThreadRunning(), "close left the forcer thread running");

        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            assertEquals(checkpointSequence, store.statistics().restoredSequence(), "seed=" + seed);
            Fixtures.assertStoreEquals(atCheckpoint, store, "seed=" + seed);
        }
    }

    private static boolean forcerThreadRunning()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch((thread) -> thread.getName().equals("tidemark-checkpoint-forcer") && thread.isAlive() &&
                thread.getThreadGroup() == Thread.currentThread().getThreadGroup());
    }

    @Test
    void shouldCommitExactStateAtPositionWhileWriterRacesCheckpointerThread()
    {
        commitExactStateWhileWriterRacesCheckpointerThread(0);
    }

    @Test
    void shouldCommitExactStateWhileWriterRacesCheckpointerThreadWithPreImageRing()
    {
        commitExactStateWhileWriterRacesCheckpointerThread(32);
    }

    private void commitExactStateWhileWriterRacesCheckpointerThread(final int preImagePages)
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        final Map<Long, byte[]> model = new HashMap<>();
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));
        final Map<Long, Map<Long, byte[]>> modelAtSequence = new HashMap<>();
        final AtomicLong durable = new AtomicLong(Long.MAX_VALUE);

        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)
            .durableLog(durable::get).checkpointPagesPerDutyCycle(1).checkpointPreImagePages(preImagePages)))
        {
            fill(store, model, value, random, 35_000);
            for (int i = 0; i < 20; i++)
            {
                assertTrue(store.awaitCheckpoint(TimeUnit.SECONDS.toNanos(30)));
                store.logPosition(store.lastSequence());
                assertTrue(store.checkpoint());
                modelAtSequence.put(store.lastSequence(), new HashMap<>(model));
                while (store.isCheckpointInProgress())
                {
                    fill(store, model, value, random, 50);
                }
            }
            assertEquals(20, store.checkpointsCommitted(), "seed=" + seed);
            store.closeWithoutCheckpoint();
        }

        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            final Map<Long, byte[]> expected = modelAtSequence.get(store.statistics().restoredSequence());
            assertNotNull(expected, "seed=" + seed);
            Fixtures.assertStoreEquals(expected, store, "seed=" + seed);
        }
    }

    @Test
    void shouldNotCommitUntilLogIsDurableToPosition()
    {
        final AtomicLong durable = new AtomicLong(0);
        final UnsafeBuffer value = Fixtures.value(1, 1, 8);
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 8)
            .durableLog(durable::get).useCheckpointerInvoker(true)))
        {
            store.put(1L, value, 0, 8);
            store.logPosition(1000);
            assertTrue(store.checkpoint());
            for (int i = 0; i < 1000; i++)
            {
                store.checkpointerInvoker().invoke();
            }
            assertTrue(store.isCheckpointInProgress(), "committed before the log was durable");
            assertEquals(0, store.checkpointsCommitted());

            durable.set(999);
            store.checkpointerInvoker().invoke();
            assertTrue(store.isCheckpointInProgress(), "committed before the log was durable");

            durable.set(1000);
            assertTrue(store.awaitCheckpoint(TimeUnit.SECONDS.toNanos(10)));
            assertEquals(1, store.checkpointsCommitted());
            assertEquals(1000, store.lastCheckpointPosition());
        }
    }

    @Test
    void shouldAbortCheckpointWhenLogNeverDurableAndCopyAllPagesNextTime()
    {
        final AtomicLong durable = new AtomicLong(0);
        final Map<Long, byte[]> model = new HashMap<>();
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));
        final Random random = new Random(42);
        try (StateStore store = StateStore.open(Fixtures.context(dir, 2000, MAX_VALUE)
            .durableLog(durable::get).useCheckpointerInvoker(true)
            .checkpointDurableTimeoutNs(TimeUnit.MILLISECONDS.toNanos(50))))
        {
            fill(store, model, value, random, 1000);
            store.logPosition(500);
            assertTrue(store.checkpoint());
            assertTrue(store.awaitCheckpoint(TimeUnit.SECONDS.toNanos(10)));
            assertEquals(0, store.checkpointsCommitted());
            assertEquals(1, store.statistics().checkpointsAborted());
            assertNull(store.failure(), "an abort is not fatal");

            durable.set(Long.MAX_VALUE);
            store.checkpointAndAwait();
            assertEquals(1, store.checkpointsCommitted());
            store.closeWithoutCheckpoint();
        }
        try (StateStore store = StateStore.open(Fixtures.context(dir, 2000, MAX_VALUE)))
        {
            Fixtures.assertStoreEquals(model, store, "after abort then commit");
        }
    }

    @Test
    void shouldThrowWhenTheCheckpointItStartedAbortsAfterWaitingForAnother()
    {
        final AtomicLong durable = new AtomicLong(Long.MAX_VALUE);
        final UnsafeBuffer value = Fixtures.value(1, 1, 8);
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 8)
            .durableLog(durable::get).useCheckpointerInvoker(true)
            .checkpointDurableTimeoutNs(TimeUnit.MILLISECONDS.toNanos(50))))
        {
            store.put(1L, value, 0, 8);
            store.logPosition(100);
            assertTrue(store.checkpoint(), "the one in flight when checkpointAndAwait is called");
            store.put(2L, value, 0, 8);
            store.logPosition(200);
            durable.set(150);

            final TidemarkException ex = assertThrows(TidemarkException.class, store::checkpointAndAwait);
            assertTrue(ex.getMessage().contains("checkpoint at position=200 did not commit"), ex.getMessage());
            assertTrue(ex.getMessage().contains("log not durable to position=200"), ex.getMessage());
            assertEquals(1, store.checkpointsCommitted());
            assertEquals(1, store.statistics().checkpointsAborted());
            assertEquals(100, store.lastCheckpointPosition());

            durable.set(Long.MAX_VALUE);
            store.checkpointAndAwait();
            assertEquals(200, store.lastCheckpointPosition());
        }
    }

    @Test
    void shouldReportAndThrowWhenCloseCannotTakeItsFinalCheckpoint() throws InterruptedException
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong clockOffset = new AtomicLong();
        final AtomicBoolean clockRuns = new AtomicBoolean();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final UnsafeBuffer value = Fixtures.value(1, 1, 8);
        final StateStore store = StateStore.open(Fixtures.context(dir, 100, 8)
            .durableLog(() -> blockOnce(entered, release))
            .nanoClock(() -> System.nanoTime() +
                clockOffset.addAndGet(clockRuns.get() ? TimeUnit.MINUTES.toNanos(1) : 0))
            .errorHandler((error) ->
            {
                errors.add(error);
                release.countDown();
            }));
        store.put(1L, value, 0, 8);
        store.logPosition(100);
        assertTrue(store.checkpoint());
        assertTrue(entered.await(60, TimeUnit.SECONDS), "the checkpointer never asked for the durable position");
        store.put(2L, value, 0, 8);
        clockRuns.set(true); // from now on a minute passes between any two readings of the clock

        final TidemarkException ex = assertThrows(TidemarkException.class, store::close);
        assertTrue(ex.getMessage().contains("final checkpoint skipped"), ex.getMessage());
        assertTrue(store.isClosed());
        assertTrue(errors.stream().anyMatch((error) -> error.getMessage().contains("final checkpoint skipped")),
            errors.toString());
    }

    @Test
    void shouldLetOnlyOneThreadDriveTheCheckpointerInInvokerMode() throws InterruptedException
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger mostInside = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final UnsafeBuffer value = Fixtures.value(1, 1, 8);
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 8).useCheckpointerInvoker(true)
            .durableLog(() ->
            {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                try
                {
                    return "invoker".equals(Thread.currentThread().getName()) ? blockOnce(entered, release) :
                        Long.MAX_VALUE;
                }
                finally
                {
                    inside.decrementAndGet();
                }
            })))
        {
            final AgentInvoker invoker = store.checkpointerInvoker();
            final Thread thread = new Thread(() ->
            {
                while (!stop.get())
                {
                    invoker.invoke();
                }
            }, "invoker");
            thread.setDaemon(true);
            store.put(1L, value, 0, 8);
            store.logPosition(100);
            assertTrue(store.checkpoint());
            thread.start();
            assertTrue(entered.await(60, TimeUnit.SECONDS), "the invoker thread never reached the durable wait");

            assertFalse(store.awaitCheckpoint(TimeUnit.MILLISECONDS.toNanos(200)),
                "the writer finished a checkpoint that the invoker thread was driving");
            assertEquals(1, mostInside.get(), "two threads inside the checkpointer at once");

            release.countDown();
            assertTrue(store.awaitCheckpoint(TimeUnit.SECONDS.toNanos(60)));
            assertEquals(1, store.checkpointsCommitted());
            stop.set(true);
            thread.join();
            assertEquals(1, mostInside.get(), "two threads inside the checkpointer at once");
        }
    }

    private static long blockOnce(final CountDownLatch entered, final CountDownLatch release)
    {
        if (entered.getCount() > 0)
        {
            entered.countDown();
            try
            {
                assertTrue(release.await(60, TimeUnit.SECONDS));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        return Long.MAX_VALUE;
    }

    @Test
    void shouldCopyOnlyDirtyPagesInIncrementalCheckpoint()
    {
        final UnsafeBuffer value = Fixtures.value(1, 1, MAX_VALUE);
        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            for (long key = 0; key < CAPACITY; key++)
            {
                store.put(key, value, 0, MAX_VALUE);
            }
            store.checkpointAndAwait();
            store.checkpointAndAwait();
            final long regionPages = store.regionLength() / 4096;

            store.put(5L, value, 0, MAX_VALUE);
            store.put(6L, value, 0, MAX_VALUE);
            store.checkpointAndAwait();
            assertTrue(store.statistics().lastCheckpointPagesCopied() <= 4,
                "copied " + store.statistics().lastCheckpointPagesCopied() + " of " + regionPages +
                " pages for two puts");
        }
    }

    private static void fill(
        final StateStore store,
        final Map<Long, byte[]> model,
        final UnsafeBuffer value,
        final Random random,
        final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long key = random.nextInt(CAPACITY);
            final int length = 1 + random.nextInt(MAX_VALUE);
            Fixtures.fill(value, key, random.nextInt(), length);
            store.put(key, value, 0, length);
            model.put(key, Fixtures.bytes(value, 0, length));
        }
    }
}
