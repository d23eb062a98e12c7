/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk under durable writes, on a small tmpfs of its own (needs root to mount it): writes fail cleanly, an open
 * while the disk is still full fails with an error naming the disk (never a JVM memory fault), and once space is
 * freed (the tmpfs remounted larger) the store opens with every acknowledged write.
 */
class DiskFullTest
{
    private static final int VALUE_LENGTH = 1024;

    @TempDir
    File root;

    private File mount;

    @AfterEach
    void unmount() throws Exception
    {
        if (null != mount)
        {
            new ProcessBuilder("umount", "-l", mount.getPath()).inheritIO().start().waitFor();
        }
    }

    @Test
    void shouldFailCleanlyWhileFullAndOpenWithEveryAcknowledgedWriteOnceFreed() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        final File target = new File(root, "mnt");
        assertTrue(target.mkdirs());
        final Process mounting = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs",
            target.getPath()).inheritIO().start();
        assumeTrue(0 == mounting.waitFor(), "mount -t tmpfs failed here");
        mount = target;
        final File dir = new File(mount, "store");

        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
        long acknowledged = -1;
        final DurableStore store = DurableStore.open(context(dir));
        try
        {
            for (long i = 0; i < 1_000_000; i++)
            {
                value.putLong(0, i);
                store.put(i % 2000, value, 0, VALUE_LENGTH, Durability.RECORDED);
                acknowledged = i;
            }
            fail("a 48 MiB disk held a million 1 KiB writes");
        }
        catch (final RuntimeException expected)
        {
            assertFalse(expected instanceof IllegalArgumentException, expected.toString());
        }
        finally
        {
            try
            {
                store.closeWithoutCheckpoint();
            }
            catch (final RuntimeException ignore)
            {
                // closing a store whose recording failed on a full disk may report that again
            }
        }
        assertTrue(acknowledged > 100, "some writes acknowledged before the disk filled: " + acknowledged);

        final File filler = new File(mount, "filler");
        fill(filler);
        final Throwable whileFull = assertThrows(Throwable.class, () -> DurableStore.open(context(dir)).close());
        assertFalse(whileFull instanceof InternalError, "a JVM memory fault, not an error: " + whileFull);
        assertTrue(whileFull instanceof RuntimeException, whileFull.toString());

        Files.delete(filler.toPath());
        final Process growing = new ProcessBuilder("mount", "-o", "remount,size=96m", mount.getPath()).inheritIO()
            .start();
        assertEquals(0, growing.waitFor(), "remount with more space");
        assertTrue(mount.getUsableSpace() > 32 * 1024 * 1024, "space freed: " + mount.getUsableSpace());
        try (DurableStore reopened = DurableStore.open(context(dir)))
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE_LENGTH]);
            final long last = acknowledged;
            for (long key = 0; key < 2000 && key <= last; key++)
            {
                assertEquals(VALUE_LENGTH, reopened.get(key, out, 0), "key " + key);
                final long newest = last - ((last - key) % 2000);
                assertTrue(out.getLong(0) >= newest, "key " + key + " holds " + out.getLong(0) +
                    ", acknowledged " + newest);
            }
        }
    }

    private static void fill(final File filler) throws IOException
    {
        final byte[] block = new byte[64 * 1024];
        try (FileOutputStream out = new FileOutputStream(filler))
        {
            while (true)
            {
                out.write(block);
            }
        }
        catch (final IOException full)
        {
            // no space left: the disk is full
        }
    }

    private static DurableStoreContext context(final File dir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(VALUE_LENGTH).capacity(4000))
            .termLength(256 * 1024).segmentFileLength(1024 * 1024).lowStorageThreshold(64 * 1024)
            .checkpointLogBytes(2 * 1024 * 1024).durableTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .backPressureTimeoutNs(TimeUnit.SECONDS.toNanos(5)).errorHandler((ex) -> { });
    }
}
