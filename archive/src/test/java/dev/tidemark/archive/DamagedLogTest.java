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
                assertEquals(last, store.recovery().truncatedAt());
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
    void shouldCutAndReportFramesPastALoweredCatalogStopAndEraseThem() throws IOException
    {
        writeLog(300);
        final long stop = positions.get(positions.size() - 1);
        final long lowered = positions.get(290);
        lowerCatalogStop(stop, lowered);

        assertTimeoutPreemptively(BOUND, () ->
        {
            try (DurableStore store = open())
            {
                assertEquals(lowered, store.recovery().truncatedAt());
                assertEquals(290, store.size(), "the state up to the catalog's stop");
                value.putLong(0, 1);
                store.put(5000, value, 0, 8, Durability.RECORDED);
                store.closeWithoutCheckpoint();
            }
        });
        final String report = errors.toString();
        assertTrue(report.contains("truncated at position=" + lowered), report);
        assertTrue(report.contains("up to position=" + stop), report);
        errors.clear();
        try (DurableStore store = open())
        {
            assertEquals(291, store.size(), "the erased frames never come back: " + errors);
            assertEquals(-1, store.recovery().truncatedAt());
        }
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

    @Test
    void shouldRefuseASegmentDeletedInTheReplayedRange() throws IOException
    {
        final UnsafeBuffer big = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        final File storeDir = new File(dir, "segments");
        long checkpointed;
        try (DurableStore store = DurableStore.open(smallSegments(storeDir)))
        {
            for (int i = 0; i < 3000; i++)
            {
                big.putLong(0, i);
                store.put(i % 500, big, 0, 16, Durability.RECORDED);
            }
            store.checkpointAndAwait();
            checkpointed = store.position();
            for (int i = 0; i < 6000; i++)
            {
                big.putLong(0, i);
                store.put(i % 500, big, 0, 16, Durability.RECORDED);
            }
            store.closeWithoutCheckpoint();
        }
        final File archiveDir = new File(storeDir, "archive");
        final long segment = 128 * 1024;
        final long middle = (checkpointed / segment + 1) * segment;
        final File victim = new File(archiveDir, "0-" + middle + ".rec");
        assertTrue(victim.exists(), victim + " among " + java.util.Arrays.toString(archiveDir.list()));
        assertTrue(new File(archiveDir, "0-" + (middle + segment) + ".rec").exists(), "a segment after it");
        Files.delete(victim.toPath());

        final TidemarkException ex = assertTimeoutPreemptively(
            BOUND, () -> assertThrows(TidemarkException.class, () -> DurableStore.open(smallSegments(storeDir))));
        assertTrue(ex.getMessage().contains("missing"), ex.getMessage());
    }

    private DurableStoreContext smallSegments(final File storeDir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(storeDir).keyLength(8).maxValueLength(16)
            .capacity(1000))
            .termLength(64 * 1024).segmentFileLength(128 * 1024).checkpointLogBytes(Long.MAX_VALUE / 4)
            .errorHandler(errors::add);
    }

    @Test
    void shouldEraseWholeFramesPastAHoleSoTheyNeverComeBack() throws IOException
    {
        writeLog(200);
        setCatalogStop(positions.get(200), -1); // a crash: no stop in the catalog, the archive finds it
        overwrite(positions.get(100), new byte[(int)(positions.get(101) - positions.get(100))]); // a lost page
        long last = 0;
        try (DurableStore store = open())
        {
            assertEquals(100, store.size(), "the log ends at the hole");
            assertEquals(positions.get(100).longValue(), store.recovery().truncatedAt(), "a cut reported: " + errors);
            assertTrue(errors.toString().contains("past a hole"), errors.toString());
            for (int j = 0; j < 50; j++)
            {
                value.putLong(0, j);
                last = store.put(1000 + j, value, 0, 8, Durability.RECORDED);
            }
            store.closeWithoutCheckpoint();
        }
        setCatalogStop(last, -1); // and a crash after the 50 new writes
        errors.clear();
        try (DurableStore store = open())
        {
            assertEquals(150, store.size(), errors.toString());
            for (int k = 100; k < 200; k++)
            {
                assertFalse(store.contains(k), "key " + k + " was lost with the hole and must not come back");
            }
            assertEquals(-1, store.recovery().truncatedAt(), errors.toString());
        }
    }

    @Test
    void shouldRefuseACatalogWhoseStreamIdentityDiffersFromTheSnapshots() throws IOException
    {
        final int initialTermId;
        try (DurableStore store = open())
        {
            initialTermId = store.storeView().logIdentity().initialTermId();
        }
        final File catalog = new File(new File(dir, "archive"), "archive.catalog");
        final byte[] bytes = Files.readAllBytes(catalog.toPath());
        final ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int found = -1;
        for (int at = 0; at + 4 <= bytes.length; at += 4)
        {
            if (view.getInt(at) == initialTermId)
            {
                assertEquals(-1, found, "the initial term id found once in the catalog");
                found = at;
            }
        }
        assertTrue(found > 0, "the initial term id in the catalog");
        try (RandomAccessFile file = new RandomAccessFile(catalog, "rw"))
        {
            file.seek(found);
            file.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, initialTermId + 1).array());
        }

        final TidemarkException ex = assertThrows(TidemarkException.class, this::open);
        assertTrue(ex.getMessage().contains("does not match the store's snapshot"), ex.getMessage());
        assertTrue(ex.getMessage().contains("initialTermId=" + (initialTermId + 1)), ex.getMessage());
    }

    @Test
    void shouldCutPromptlyACatalogStopRaisedOffAFrameBoundaryPastTheData() throws IOException
    {
        writeLog(300);
        final long stop = positions.get(positions.size() - 1);
        lowerCatalogStop(stop, stop + 40);

        assertTimeoutPreemptively(BOUND, () ->
        {
            try (DurableStore store = open())
            {
                assertEquals(300, store.size(), "every write below the real end");
                assertEquals(stop, store.position());
                assertEquals(stop, store.recovery().truncatedAt(), errors.toString());
            }
        });
    }

    @Test
    void shouldRefusePromptlyACatalogStopFarPastTheSegmentFiles() throws IOException
    {
        writeLog(100);
        final long stop = positions.get(positions.size() - 1);
        final long raised = stop + (1L << 40);
        lowerCatalogStop(stop, raised);

        final TidemarkException ex = assertTimeoutPreemptively(
            BOUND, () -> assertThrows(TidemarkException.class, this::open));
        assertTrue(ex.getMessage().contains("stops at position=" + raised), ex.getMessage());
        assertTrue(ex.getMessage().contains("past the end of its segment files"), ex.getMessage());
    }

    private void setCatalogStop(final long stop, final long newStop) throws IOException
    {
        lowerCatalogStop(stop, newStop);
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
        return DurableStore.open(new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(16).capacity(1000)).recoveryTimeoutNs(java.util.concurrent.TimeUnit.SECONDS.toNanos(20))
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
    }
}
