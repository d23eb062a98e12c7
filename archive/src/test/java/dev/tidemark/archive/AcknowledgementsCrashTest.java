/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What an asynchronous acknowledgement promises, proven with SIGKILL: a child writes at NONE, tracks each write and
 * records the last id its handler heard of in a mapped report file (which outlives the process); after a kill -9 at a
 * random moment the reopened store holds every acknowledged write, and the state is a prefix of the writes.
 */
class AcknowledgementsCrashTest
{
    private static final int VALUE = 16;

    @TempDir
    File root;

    @Test
    void shouldKeepEveryAcknowledgedWriteAcrossKill9() throws Exception
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        for (int round = 0; round < 3; round++)
        {
            final File dir = new File(root, "store-" + round);
            final File reportFile = new File(root, "report-" + round);
            final List<String> lines = new ArrayList<>();
            final Process child = CrashRecoveryTest.ChildJvm.start(Child.class, dir.getPath(), reportFile.getPath());
            CrashRecoveryTest.ChildJvm.collect(child, lines);
            final long acknowledged;
            try
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!reportFile.exists() || reportFile.length() < 16 || readAcked(reportFile) < 2_000)
                {
                    assertTrue(child.isAlive(), "child ended: " + CrashRecoveryTest.ChildJvm.tail(lines));
                    assertTrue(System.nanoTime() - deadline < 0, "child acknowledged nothing in 120 s: " +
                        CrashRecoveryTest.ChildJvm.tail(lines));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(300)));
            }
            finally
            {
                child.destroyForcibly();
                child.waitFor(60, TimeUnit.SECONDS);
            }
            acknowledged = readAcked(reportFile);
            try (DurableStore store = DurableStore.open(context(dir)))
            {
                final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE]);
                final int size = store.size();
                assertTrue(size > acknowledged, "acknowledged up to id " + acknowledged + " but the store holds " +
                    size + " writes: seed=" + seed);
                for (long key = 0; key < size; key++)
                {
                    assertEquals(VALUE, store.get(key, out, 0), "a hole at key " + key + ": seed=" + seed);
                    assertEquals(key * 31 + 7, out.getLong(0), "key " + key + ": seed=" + seed);
                }
                assertFalse(store.contains(size), "not a prefix: seed=" + seed);
            }
        }
    }

    private static long readAcked(final File reportFile)
    {
        final java.nio.MappedByteBuffer mapping = IoUtil.mapExistingFile(reportFile, "report");
        try
        {
            return new UnsafeBuffer(mapping).getLongVolatile(8);
        }
        finally
        {
            IoUtil.unmap(mapping);
        }
    }

    private static DurableStoreContext context(final File dir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(VALUE)
            .capacity(2_000_000)).checkpointLogBytes(1 << 20).errorHandler(Throwable::printStackTrace);
    }

    /**
     * Writes keys 0, 1, 2, ... at NONE, each tracked; the handler records the last acknowledged id.
     */
    public static final class Child
    {
        private Child()
        {
        }

        public static void main(final String[] args)
        {
            final File reportFile = new File(args[1]);
            final UnsafeBuffer report = new UnsafeBuffer(IoUtil.mapNewFile(reportFile, 4096));
            report.putLongRelease(8, -1);
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE));
            try (DurableStore store = DurableStore.open(context(new File(args[0]))))
            {
                final Acknowledgements acks = new Acknowledgements(store,
                    (id, position) -> report.putLongRelease(8, id), 1 << 12, 256 * 1024);
                for (long next = 0; next < 2_000_000; next++)
                {
                    value.putLong(0, next * 31 + 7);
                    acks.track(next, store.put(next, value, 0, VALUE, Durability.NONE));
                    if (0 == (next & 15))
                    {
                        acks.poll();
                        store.poll();
                    }
                }
            }
        }
    }
}
