/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.ProcessReader;
import dev.tidemark.store.StateStore;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static dev.tidemark.archive.ReaderWriterChild.REMOVED;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader in this JVM keeps reading a store whose writer, a child JVM, is killed with SIGKILL and restarted, over
 * several cycles: it never sees a torn or foreign value, it follows each restart to the new open (a new generation),
 * and after each recovery it reads exactly the recovered state: every acknowledged change, and of the one change in
 * flight at the kill either outcome.
 */
class ProcessReaderCrashTest
{
    @TempDir
    File root;

    @Test
    void shouldReadOnlyWholeValuesAcrossKillsAndFollowEachRecovery() throws Exception
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        final File dir = new File(root, "store");
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<String> torn = new AtomicReference<>();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong unavailable = new AtomicLong();
        final Set<Long> generationsSeen = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        Thread readerThread = null;
        final long[] generations = new long[3];
        try
        {
            for (int cycle = 0; cycle < 3; cycle++)
            {
                final String where = "seed=" + seed + " cycle=" + cycle;
                runUntilKilled(dir, "write", seed + cycle, 200 + random.nextInt(600), where);
                if (null == readerThread)
                {
                    readerThread = startReader(dir, seed, running, torn, reads, unavailable, generationsSeen,
                        readerFailure);
                }
                // Restarted without writes: recovery replays the log, then the reader must follow and read it.
                final Process holder = startChild(dir, "hold", seed);
                try
                {
                    awaitOpen(holder, where);
                    try (ProcessReader reader = ProcessReader.open(dir))
                    {
                        generations[cycle] = reader.generation();
                        if (cycle > 0)
                        {
                            assertTrue(generations[cycle] > generations[cycle - 1], "no new generation: " + where);
                        }
                        verifyRecovered(dir, reader, where);
                    }
                    final long generation = generations[cycle];
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!generationsSeen.contains(generation) && System.nanoTime() - deadline < 0)
                    {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    assertTrue(generationsSeen.contains(generation),
                        "the reading thread never followed the restart to generation " + generation + ": " + where);
                }
                finally
                {
                    holder.destroyForcibly();
                    assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
                }
            }
        }
        finally
        {
            running.set(false);
            if (null != readerThread)
            {
                readerThread.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
        assertNull(readerFailure.get(), () -> "the reading thread failed: " + readerFailure.get());
        assertNull(torn.get(), () -> "a torn or foreign value: " + torn.get() + " seed=" + seed);
        assertTrue(reads.get() > 0, "nothing read");
        assertTrue(generationsSeen.size() >= 2, "generations seen by the reading thread: " + generationsSeen);
        System.out.println("reads=" + reads.get() + " unavailable=" + unavailable.get() + " generations=" +
            generationsSeen.size() + " seed=" + seed);
    }

    private final List<String> lines = new ArrayList<>();

    private Process startChild(final File dir, final String mode, final long seed) throws Exception
    {
        synchronized (lines)
        {
            lines.clear();
        }
        final Process child = CrashRecoveryTest.ChildJvm.start(
            ReaderWriterChild.class, dir.getPath(), mode, Long.toString(seed));
        CrashRecoveryTest.ChildJvm.collect(child, lines);
        return child;
    }

    private void awaitOpen(final Process child, final String where)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!CrashRecoveryTest.ChildJvm.contains(lines, "OPEN ") && child.isAlive() &&
            System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertTrue(CrashRecoveryTest.ChildJvm.contains(lines, "OPEN "),
            "the writer did not open: " + where + "\n" + CrashRecoveryTest.ChildJvm.tail(lines));
    }

    private void runUntilKilled(
        final File dir, final String mode, final long seed, final long killAfterMs, final String where)
        throws Exception
    {
        final Process child = startChild(dir, mode, seed);
        try
        {
            awaitOpen(child, where);
            final long start = System.nanoTime();
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(killAfterMs) && child.isAlive())
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertTrue(child.isAlive(), "the writer died by itself: " + where);
        }
        finally
        {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private static Thread startReader(
        final File dir,
        final long seed,
        final AtomicBoolean running,
        final AtomicReference<String> torn,
        final AtomicLong reads,
        final AtomicLong unavailable,
        final Set<Long> generationsSeen,
        final AtomicReference<Throwable> failure)
    {
        final Thread thread = new Thread(() ->
        {
            final Random random = new Random(seed ^ 0x5deece66dL);
            final UnsafeBuffer value = new UnsafeBuffer(new byte[ReaderWriterChild.MAX_VALUE]);
            try (ProcessReader reader = ProcessReader.open(dir))
            {
                while (running.get())
                {
                    final long key = random.nextInt(ReaderWriterChild.KEYS);
                    try
                    {
                        final long durable = reader.durablePosition();
                        final int length = reader.get(key, value, 0);
                        final long position = reader.position();
                        generationsSeen.add(reader.generation());
                        reads.incrementAndGet();
                        if (length >= 0)
                        {
                            final String problem = ReaderWriterChild.check(value, length, key);
                            if (null != problem)
                            {
                                torn.compareAndSet(null, problem + " at key " + key);
                            }
                        }
                        if (durable > position)
                        {
                            torn.compareAndSet(null, "durable position " + durable + " ahead of " + position);
                        }
                    }
                    catch (final IllegalStateException ex)
                    {
                        unavailable.incrementAndGet(); // no writer has it open now (killed, or recovering)
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                }
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        }, "process-reader");
        thread.start();
        return thread;
    }

    private static void verifyRecovered(final File dir, final ProcessReader reader, final String where)
    {
        final UnsafeBuffer report = new UnsafeBuffer(IoUtil.mapExistingFile(
            ReaderWriterChild.reportFile(dir), "report"));
        final UnsafeBuffer value = new UnsafeBuffer(new byte[ReaderWriterChild.MAX_VALUE]);
        int present = 0;
        final List<String> wrong = new ArrayList<>();
        for (long key = 0; key < ReaderWriterChild.KEYS; key++)
        {
            final long intent = report.getLongVolatile((int)(16 * key));
            final long acknowledged = report.getLongVolatile((int)(16 * key + 8));
            final int length = reader.get(key, value, 0);
            final long version;
            if (length >= 0)
            {
                present++;
                final String problem = ReaderWriterChild.check(value, length, key);
                if (null != problem)
                {
                    wrong.add("key " + key + ": " + problem);
                    continue;
                }
                version = value.getLong(8);
            }
            else
            {
                version = StateStore.MISSING;
            }
            if (!matches(acknowledged, version) && !(intent != acknowledged && matches(intent, version)))
            {
                wrong.add("key " + key + ": read version " + version + ", acknowledged " + describe(acknowledged) +
                    ", intent " + describe(intent));
            }
        }
        IoUtil.unmap(report.byteBuffer());
        assertEquals(List.of(), wrong, where);
        assertEquals(present, reader.size(), where);
    }

    /**
     * @return whether the state of a key (its version, or MISSING) is what the change recorded in the report left.
     */
    private static boolean matches(final long recorded, final long version)
    {
        if (0 == recorded || 0 != (recorded & REMOVED))
        {
            return StateStore.MISSING == version;
        }
        return recorded == version;
    }

    private static String describe(final long recorded)
    {
        return 0 == recorded ? "none" : 0 != (recorded & REMOVED) ? "remove@" + (recorded & ~REMOVED) : "put@" +
            recorded;
    }
}
