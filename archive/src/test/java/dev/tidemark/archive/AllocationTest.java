/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The durable write path (claim, encode, apply, commit), reads and durable waits allocate nothing on the writer
 * thread after warm-up, with checkpoints and retention running.
 */
class AllocationTest
{
    @TempDir
    File dir;

    private long sink;

    private Acknowledgements acks;
    @Test
    void shouldNotAllocateOnDurableHotPaths()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        try (DurableStore store = DurableStore.open(new DurableStoreContext().storeContext(new StoreContext().dir(dir)
            .keyLength(8).maxValueLength(64).capacity(20_000)).checkpointLogBytes(1024 * 1024)
            .errorHandler(Throwable::printStackTrace)))
        {
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final StoreBatch batch = store.newBatch();
            acks = new Acknowledgements(store, (id, position) -> sink += id, 1024, 1 << 20);
            for (int round = 0; round < 20; round++)
            {
                run(store, value, out, batch, 20_000);
                store.poll();
                awaitCommittedCheckpoint(store, store.storeView().checkpointsCommitted()); // warms the wait up too
            }
            final long threadId = Thread.currentThread().getId();
            final long calibrationStart = threads.getThreadAllocatedBytes(threadId);
            final long calibration = threads.getThreadAllocatedBytes(threadId) - calibrationStart;
            final long checkpointsBefore = store.storeView().checkpointsCommitted();

            // Windows of 100,000 rounds. A path that allocates would allocate in every window, at least 16 bytes
            // each time it runs (the rarest, the RECORDED batch, runs 1,560 times a window). What a window may
            // show otherwise is the JVM deoptimising compiled code the first time a rare branch is taken (a wait
            // that really waits, a copy-on-write during a checkpoint): a few hundred bytes, once. So: every window
            // under 1 KiB, and two windows in a row allocating nothing.
            final List<Long> windows = new ArrayList<>();
            int zeroInARow = 0;
            for (int window = 0; window < 10 && zeroInARow < 2; window++)
            {
                final long start = threads.getThreadAllocatedBytes(threadId);
                final long committed = store.storeView().checkpointsCommitted();
                for (int round = 0; round < 5; round++)
                {
                    run(store, value, out, batch, 20_000);
                }
                // The background checkpointer may get no core during the rounds (a loaded machine): make one commit
                // inside the window under a generous deadline rather than assume it.
                awaitCommittedCheckpoint(store, committed);
                final long allocated = threads.getThreadAllocatedBytes(threadId) - start - calibration;
                windows.add(allocated);
                assertTrue(allocated < 1024, "bytes allocated by 100,000 rounds of durable " +
                    "put/get/view/remove/batch/acknowledgements: " + windows);
                zeroInARow = 0 == allocated ? zeroInARow + 1 : 0;
            }
            store.poll();
            assertEquals(2, zeroInARow, "two windows in a row without allocation: " + windows);
            assertTrue(store.storeView().checkpointsCommitted() > checkpointsBefore, "no checkpoint ran");
        }
    }

    private static void awaitCommittedCheckpoint(final DurableStore store, final long committedBefore)
    {
        final long timeoutNs = java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        assertTrue(store.awaitCheckpoint(timeoutNs), "a checkpoint did not end within the deadline");
        if (store.storeView().checkpointsCommitted() == committedBefore)
        {
            assertTrue(store.checkpoint(), "no checkpoint could be started");
            assertTrue(store.awaitCheckpoint(timeoutNs), "the window's checkpoint did not end in time");
        }
    }

    private void run(
        final DurableStore store, final UnsafeBuffer value, final UnsafeBuffer out, final StoreBatch batch,
        final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long key = (i * 7919L) % 20_000;
            value.putLong(0, i);
            acks.track(i, store.put(key, value, 0, 32, Durability.NONE));
            sink += store.get(key, out, 0);
            final DirectBuffer view = store.view(key + 1);
            sink += null == view ? 0 : view.getByte(0);
            if (0 == (i & 7))
            {
                store.remove(key + 2, Durability.NONE);
                acks.poll();
            }
            if (0 == (i & 63))
            {
                batch.clear().put(key, value, 0, 16).remove(key + 3);
                store.apply(batch, Durability.RECORDED);
            }
        }
        store.awaitDurable(store.position());
        acks.poll();
    }
}
