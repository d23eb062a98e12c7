/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.TidemarkException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Damage to the recording's frames and catalog in the range an open must replay: every such open ends promptly,
 * refusing damage in the middle and a catalog whose stop is below the data, cutting only a torn tail.
 */
class DamagedLogTest
{
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final int FRAME_HEADER = 32;

    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();
    private final List<Long> positions = new ArrayList<>();
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(16));

    @Test
    void shouldRefuseGarbageFrameHeaderInTheMiddlePromptly() throws IOException
    {
        writeLog(200);
        final long victim = positions.get(100);
        overwrite(victim, new byte[]{ 0x7f, 0x13, 0x55, 0x01, 9, 9, 9, 9, 1, 2, 3, 4 });

        final TidemarkException ex = assertTimeoutPreemptively(
            BOUND, () -> assertThrows(TidemarkException.class, this::open));
        assertTrue(ex.getMessage().contains("damaged in the middle"), ex.getMessage());
        assertTrue(ex.getMessage().contains("position=" + victim), ex.getMessage());
    }

    @Test
    void shouldCutGarbageFrameHeaderOfTheLastFrameAsATornTail() throws IOException
    {
        writeLog(50);
        final long last = positions.get(positions.size() - 2);
        overwrite(last, new byte[]{ 0x7f, 0x13, 0x55, 0x01, 9, 9, 9, 9 });

        assertTimeoutPreemptively(BOUND, () ->
        {
            try (DurableStore store = open())
            {
                assertEquals(last, store.truncatedAt());
                assertEquals(49, store.size());
                assertEquals(49, store.sequence());
                value.putLong(0, 77);
                store.put(77, value, 0, 8, Durability.RECORDED);
                store.closeWithoutCheckpoint();
            }
        });
        assertTrue(errors.toString().contains("truncated at position=" + last), errors.toString());
        try (DurableStore store = open())
        {
            assertEquals(50, store.size(), "writes after the cut replay");
            assertTrue(store.contains(77));
        }
    }

    @Test
    void shouldRefuseCatalogStopBelowRecordedFrames() throws IOException
    {
        writeLog(300);
        final long stop = positions.get(positions.size() - 1);
        final long lowered = positions.get(290);
        lowerCatalogStop(stop, lowered);

        final TidemarkException ex = assertTimeoutPreemptively(
            BOUND, () -> assertThrows(TidemarkException.class, this::open));
        assertTrue(ex.getMessage().contains("stops at position=" + lowered), ex.getMessage());
        assertTrue(ex.getMessage().contains("up to position=" + stop), ex.getMessage());
    }

    @Test
    void shouldRefuseCatalogStopOffAFrameBoundaryPromptly() throws IOException
    {
        writeLog(300);
        final long stop = positions.get(positions.size() - 1);
        final long lowered = positions.get(200) + 32;
        lowerCatalogStop(stop, lowered);

        final long start = System.nanoTime();
        final TidemarkException ex = assertTimeoutPreemptively(
            BOUND, () -> assertThrows(TidemarkException.class, this::open));
        assertTrue(ex.getMessage().contains("not a frame boundary"), ex.getMessage());
        assertTrue(ex.getMessage().contains("position=" + lowered), ex.getMessage());
        assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(20),
            "refused before the recovery timeout (20 s here)");
    }

    private void lowerCatalogStop(final long stop, final long lowered) throws IOException
    {
        final File catalog = new File(new File(dir, "archive"), "archive.catalog");
        final byte[] bytes = Files.readAllBytes(catalog.toPath());
        final ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int found = -1;
        for (int at = 0; at + 8 <= bytes.length; at += 8)
        {
            if (view.getLong(at) == stop)
            {
                assertEquals(-1, found, "stop position found once in the catalog");
                found = at;
            }
        }
        assertTrue(found > 0, "stop position in the catalog");
        try (RandomAccessFile file = new RandomAccessFile(catalog, "rw"))
        {
            file.seek(found);
            file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, lowered).array());
        }
    }

    private void writeLog(final int puts)
    {
        try (DurableStore store = open())
        {
            store.checkpointAndAwait();
            positions.add(store.position());
            for (int i = 0; i < puts; i++)
            {
                value.putLong(0, i);
                positions.add(store.put(i, value, 0, 8, Durability.RECORDED));
            }
            store.closeWithoutCheckpoint();
        }
    }

    private DurableStore open()
    {
        return DurableStore.open(new DurableStore.Context().dir(dir).keyLength(8).maxValueLength(16)
            .capacity(1000).recoveryTimeoutNs(java.util.concurrent.TimeUnit.SECONDS.toNanos(20))
            .errorHandler(errors::add));
    }

    private void overwrite(final long position, final byte[] bytes) throws IOException
    {
        final File[] segments = new File(dir, "archive").listFiles((d, name) -> name.endsWith(".rec"));
        assertNotNull(segments);
        assertEquals(1, segments.length);
        final String name = segments[0].getName();
        final long base = Long.parseLong(name.substring(name.indexOf('-') + 1, name.indexOf('.')));
        try (RandomAccessFile file = new RandomAccessFile(segments[0], "rw"))
        {
            file.seek(position - base);
            file.write(bytes);
        }
        assertTrue(bytes.length <= FRAME_HEADER);
    }
}
