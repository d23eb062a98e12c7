/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.archive.CrashRecoveryTest.ChildJvm;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.TidemarkException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The production setup: media driver and archive in their own JVM, the store in another. The store process is
 * killed and restarted while the archive lives on; the archive is restarted while the store is down; the archive is
 * paused so the store meets back-pressure.
 */
class ExternalArchiveTest
{
    private static final int TERM_LENGTH = 64 * 1024;

    @TempDir
    File root;

    private final List<Process> children = new ArrayList<>();
    private final String aeronDir = "/dev/shm/tidemark-test-" + System.nanoTime();

    @AfterEach
    void killChildren() throws InterruptedException
    {
        for (final Process child : children)
        {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        // A killed driver cannot delete its directory; leave no term buffers behind in /dev/shm.
        org.agrona.IoUtil.delete(new File(aeronDir), true);
    }

    @Test
    void shouldRecoverWhenStoreDiesWhileArchiveLivesAndWhenArchiveRestartsWhileStoreIsDown() throws Exception
    {
        final File storeDir = new File(root, "store");
        Process archive = startArchive();

        final Process writer = ChildJvm.start(
            DurableChild.class, storeDir.getPath(), "RECORDED", "external", aeronDir,
            new File(root, "archive").getPath());
        children.add(writer);
        final List<String> lines = new ArrayList<>();
        final Thread reader = ChildJvm.collect(writer, lines);
        awaitLine(writer, lines, "OPEN ");
        final File reportFile = new File(storeDir.getPath() + ".report");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (report(reportFile)[1] < 2000)
        {
            assertTrue(writer.isAlive() && System.nanoTime() < deadline, "no 2000 acks: " + ChildJvm.tail(lines));
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        writer.destroyForcibly();
        assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        reader.join();
        final long acknowledged = report(reportFile)[1];

        final long size;
        try (DurableStore store = DurableStore.open(context(storeDir)))
        {
            size = store.size();
            assertTrue(size >= acknowledged + 1, "lost acknowledged puts: size=" + size + " acked=" + acknowledged);
            final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
            for (long key = 0; key < size; key++)
            {
                assertEquals(8, store.get(key, value, 0), "hole at " + key);
                assertEquals(key * 31 + 7, value.getLong(0));
            }
        }

        archive.destroyForcibly();
        assertTrue(archive.waitFor(30, TimeUnit.SECONDS));
        archive = startArchive();

        try (DurableStore store = DurableStore.open(context(storeDir)))
        {
            assertEquals(size, store.size());
            assertEquals(0, store.recovery().replayedMessages(), "a clean close leaves nothing to replay");
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
            value.putLong(0, size * 31 + 7);
            store.put(size, value, 0, 8, Durability.RECORDED);
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = DurableStore.open(context(storeDir)))
        {
            assertEquals(size + 1, store.size());
            assertEquals(1, store.recovery().replayedMessages());
        }
        assertTrue(archive.isAlive());
    }

    @Test
    void shouldFailCleanlyUnderBackPressureWithNothingAppliedThenRecover() throws Exception
    {
        final File storeDir = new File(root, "store");
        final Process archive = startArchive();
        try (DurableStore store = DurableStore.open(context(storeDir)
            .backPressureTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))))
        {
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
            store.put(0L, value, 0, 8, Durability.RECORDED);

            signal(archive, "STOP");
            TidemarkException failure = null;
            long key = 1;
            try
            {
                for (; key < 10_000 && null == failure; key++)
                {
                    try
                    {
                        value.putLong(0, key);
                        store.put(key, value, 0, 8, Durability.NONE);
                    }
                    catch (final TidemarkException ex)
                    {
                        failure = ex;
                    }
                }
            }
            finally
            {
                signal(archive, "CONT");
            }
            assertNotNull(failure, "never back-pressured");
            assertFalse(failure.isFatal());
            assertTrue(failure.getMessage().contains("back-pressured"), failure.getMessage());
            final long failedKey = key - 1;
            assertFalse(store.contains(failedKey), "a failed write must apply nothing");
            assertEquals(failedKey, store.size());
            assertEquals(failedKey + 1, store.sequence() + 1);

            value.putLong(0, failedKey);
            store.put(failedKey, value, 0, 8, Durability.RECORDED);
            assertEquals(failedKey + 1, store.size());
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = DurableStore.open(context(storeDir)))
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            for (long k = 1; k < store.size(); k++)
            {
                assertEquals(8, store.get(k, out, 0));
                assertEquals(k, out.getLong(0));
            }
        }
    }

    private DurableStoreContext context(final File storeDir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(storeDir).keyLength(8).maxValueLength(16)
            .capacity(2_000_000)).embedded(false).aeronDirectoryName(aeronDir).termLength(TERM_LENGTH)
            .archiveFileSyncLevel(0).archiveDirectory(new File(root, "archive"))
            .errorHandler(Throwable::printStackTrace);
    }

    private Process startArchive() throws Exception
    {
        final Process archive = ChildJvm.start(
            ArchiveChild.class, aeronDir, new File(root, "archive").getPath(), Integer.toString(TERM_LENGTH));
        children.add(archive);
        final List<String> lines = new ArrayList<>();
        ChildJvm.collect(archive, lines);
        awaitLine(archive, lines, "READY");
        return archive;
    }

    private static void signal(final Process process, final String signal) throws Exception
    {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
    }

    private static void awaitLine(final Process process, final List<String> lines, final String prefix)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ChildJvm.contains(lines, prefix))
        {
            assertTrue(process.isAlive(), "child died: " + ChildJvm.tail(lines));
            assertTrue(System.nanoTime() < deadline, "no '" + prefix + "' within 60 s: " + ChildJvm.tail(lines));
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static long[] report(final File file) throws java.io.IOException
    {
        if (!file.exists() || file.length() < 16)
        {
            return new long[]{ -1, -1 };
        }
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file.toPath()))
            .order(java.nio.ByteOrder.nativeOrder());
        return new long[]{ buffer.getLong(0), buffer.getLong(8) };
    }
}
