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
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A SYNCED write whose frame crosses a 4 KiB page with only zeros after the page boundary (a value full of zeros),
 * the last before a kill -9. The archive, with no record checksum, takes such a frame for a torn one and asks for
 * ArchiveTool verify; the store must not let the tool cut a whole, acknowledged frame.
 */
class PageStraddleTest
{
    @TempDir
    File dir;

    /**
     * Writes 40 small values, then the straddling SYNCED one, says so, and waits to be killed.
     */
    public static final class Child
    {
        /**
         * @param args the store directory.
         */
        public static void main(final String[] args)
        {
            final DurableStore store = DurableStore.open(context(new File(args[0]))
                .errorHandler(Throwable::printStackTrace));
            store.checkpointAndAwait();
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
            for (int i = 0; i < 40; i++)
            {
                value.putLong(0, i + 1);
                store.put(i, value, 0, 8);
            }
            value.setMemory(0, 256, (byte)0);
            value.putLong(0, 99);
            final long start = store.position();
            final long end = store.put(40, value, 0, 256, Durability.SYNCED);
            System.out.println("ACKED start=" + start + " end=" + end);
            System.out.flush();
            while (true)
            {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    @Test
    void shouldKeepASyncedWholeFrameWithZerosPastAPageBoundaryAfterKill9() throws Exception
    {
        final Process child = CrashRecoveryTest.ChildJvm.start(Child.class, dir.getPath());
        final List<String> lines = new ArrayList<>();
        CrashRecoveryTest.ChildJvm.collect(child, lines);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!CrashRecoveryTest.ChildJvm.contains(lines, "ACKED") && child.isAlive() &&
            System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertTrue(CrashRecoveryTest.ChildJvm.contains(lines, "ACKED"), CrashRecoveryTest.ChildJvm.tail(lines));
        final String acked = lines.stream().filter((line) -> line.startsWith("ACKED")).findFirst().orElseThrow();
        final long start = Long.parseLong(acked.substring(acked.indexOf("start=") + 6, acked.indexOf(" end=")));
        final long end = Long.parseLong(acked.substring(acked.indexOf("end=") + 4));
        assertTrue(start / 4096 != (end - 1) / 4096, "the frame crosses a page boundary: " + acked);

        final List<Throwable> errors = new ArrayList<>();
        try (DurableStore store = DurableStore.open(context(dir).errorHandler(errors::add)))
        {
            assertTrue(store.contains(40), "the SYNCED write survives: " + errors);
            assertEquals(41, store.size());
            assertEquals(end, store.position());
        }
    }

    private static DurableStoreContext context(final File dir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(256)
            .capacity(1000))
            .durability(Durability.SYNCED);
    }
}
