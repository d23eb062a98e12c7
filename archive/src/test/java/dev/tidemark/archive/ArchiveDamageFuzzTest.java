/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import dev.tidemark.store.TidemarkException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeded damage to the embedded archive's files after acknowledged writes: bit flips and garbage runs anywhere in
 * the catalog and in the replayed range of the segment, truncated and deleted files. Whatever the damage, the open
 * ends within a bound and either refuses with a {@link TidemarkException} naming the store, or opens a state that is
 * exactly a prefix of the writes; and a prefix shorter than what was acknowledged is never silent: the store
 * reported a cut.
 */
class ArchiveDamageFuzzTest
{
    private static final int PUTS = 300;
    private static final int TRIALS = 24;
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    File root;

    @Test
    void shouldRefuseOrOpenAPrefixWithinABoundWhateverTheDamage() throws IOException
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        for (int trial = 0; trial < TRIALS; trial++)
        {
            final File dir = new File(root, "store-" + trial);
            final long snapshotPosition = writeLog(dir);
            final String damage = damage(dir, random, snapshotPosition);
            final String where = "seed=" + seed + " trial=" + trial + " damage=" + damage;
            System.out.println(where + " ...");
            final List<Throwable> errors = new ArrayList<>();
            final long[] outcome = assertTimeoutPreemptively(BOUND, () -> open(dir, errors), where);
            System.out.println(where + " -> " + (outcome[0] < 0 ? "refused" : "opened with " + outcome[0] +
                " of " + PUTS + (outcome[1] >= 0 ? ", cut at " + outcome[1] : "")));
            if (outcome[0] >= 0)
            {
                final long k = outcome[0];
                assertTrue(k <= PUTS, where);
                if (k < PUTS)
                {
                    assertTrue(outcome[1] >= 0, "lost " + (PUTS - k) + " acknowledged writes with no cut: " + where);
                    assertTrue(errors.toString().contains("truncated at position="),
                        "a cut is reported: " + where + " " + errors);
                }
            }
        }
    }

    private static long[] open(final File dir, final List<Throwable> errors)
    {
        try (DurableStore store = DurableStore.open(context(dir).errorHandler(errors::add)))
        {
            final long size = store.size();
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            for (long i = 0; i < size; i++)
            {
                assertEquals(16, store.get(i, out, 0), "a prefix: key " + i + " of " + size);
                assertEquals(i * 7919, out.getLong(0));
                assertEquals(~i, out.getLong(8));
            }
            for (long i = size; i < PUTS; i++)
            {
                assertFalse(store.contains(i), "a prefix: key " + i + " beyond size " + size);
            }
            assertEquals(size, store.sequence(), "sequence matches the prefix");
            return new long[]{ size, store.recovery().truncatedAt() };
        }
        catch (final TidemarkException ex)
        {
            assertTrue(ex.getMessage().contains(dir.getPath()), "refusal names the store: " + ex.getMessage());
            return new long[]{ -1, -1 };
        }
    }

    private static long writeLog(final File dir)
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        try (DurableStore store = DurableStore.open(context(dir).errorHandler(Throwable::printStackTrace)))
        {
            final long snapshot = store.position();
            for (long i = 0; i < PUTS; i++)
            {
                value.putLong(0, i * 7919);
                value.putLong(8, ~i);
                store.put(i, value, 0, 16, Durability.RECORDED);
            }
            store.closeWithoutCheckpoint();
            return snapshot;
        }
    }

    private static String damage(final File dir, final Random random, final long snapshotPosition)
        throws IOException
    {
        final File archive = new File(dir, "archive");
        final File catalog = new File(archive, "archive.catalog");
        final File[] segments = archive.listFiles((d, name) -> name.endsWith(".rec"));
        assertNotNull(segments);
        assertEquals(1, segments.length);
        final File segment = segments[0];
        final long logEnd = logEnd(segment);
        switch (random.nextInt(6))
        {
            case 0:
            {
                // Mostly where the catalog's header and this recording's descriptor are, sometimes anywhere.
                final long at = random.nextInt(random.nextBoolean() ? 2048 : (int)catalog.length());
                flipBit(catalog, at, random.nextInt(8));
                return "catalog bit flip at " + at;
            }
            case 1:
            {
                final long at = snapshotPosition + random.nextInt((int)(logEnd - snapshotPosition));
                flipBit(segment, at, random.nextInt(8));
                return "segment bit flip at " + at;
            }
            case 2:
            {
                final long at = snapshotPosition + random.nextInt((int)(logEnd - snapshotPosition));
                final byte[] garbage = new byte[1 + random.nextInt(200)];
                random.nextBytes(garbage);
                write(segment, at, garbage);
                return "segment garbage of " + garbage.length + " at " + at;
            }
            case 3:
            {
                final long at = snapshotPosition + random.nextInt((int)(logEnd - snapshotPosition));
                try (RandomAccessFile file = new RandomAccessFile(segment, "rw"))
                {
                    file.setLength(at);
                }
                return "segment truncated to " + at;
            }
            case 4:
                Files.delete(segment.toPath());
                return "segment deleted";
            default:
                Files.delete(catalog.toPath());
                return "catalog deleted";
        }
    }

    private static long logEnd(final File segment) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(segment, "r"))
        {
            long at = 0;
            while (at + 4 <= file.length())
            {
                file.seek(at);
                final int length = Integer.reverseBytes(file.readInt());
                if (length <= 0)
                {
                    return at;
                }
                at += (length + 31) & ~31;
            }
            return at;
        }
    }

    private static void flipBit(final File file, final long at, final int bit) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(at);
            final int b = raf.read();
            raf.seek(at);
            raf.write(b ^ (1 << bit));
        }
    }

    private static void write(final File file, final long at, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(at);
            raf.write(bytes);
        }
    }

    private static DurableStoreContext context(final File dir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(16)
            .capacity(1000))
            .recoveryTimeoutNs(TimeUnit.SECONDS.toNanos(20));
    }
}
