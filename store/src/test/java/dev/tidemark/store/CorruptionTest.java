/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Torn or garbage bytes written into a closed store's files: each is detected, and open falls back to the older
 * slot or refuses with a precise message; a wrong value is never served.
 * <p>
 * Setup: slot B holds state M1 (checkpoint 2), slot A the newer state M2 (checkpoint 3).
 */
class CorruptionTest
{
    private static final int CAPACITY = 3000;
    private static final int MAX_VALUE = 48;
    private static final int PAGE = 4096;

    @TempDir
    File dir;

    private final Map<Long, byte[]> m1 = new HashMap<>();
    private final Map<Long, byte[]> m2 = new HashMap<>();
    private final List<Throwable> errors = new ArrayList<>();
    private long m1Sequence;
    private long m2Sequence;

    @BeforeEach
    void createStoreWithTwoCheckpoints()
    {
        final Random random = new Random(7);
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));
        try (StateStore store = StateStore.open(Fixtures.contextInStoreDir(dir, CAPACITY, MAX_VALUE)))
        {
            for (int i = 0; i < 2000; i++)
            {
                put(store, m1, value, random);
            }
            store.checkpointAndAwait();
            m1Sequence = store.lastSequence();
            m2.putAll(m1);
            for (int i = 0; i < 2000; i++)
            {
                put(store, m2, value, random);
            }
            store.checkpointAndAwait();
            m2Sequence = store.lastSequence();
            store.closeWithoutCheckpoint();
        }
    }

    @Test
    void shouldUseOtherHeaderCopyWhenOneIsGarbage() throws IOException
    {
        writeRandom(file("header.dat"), StoreHeaderDescriptor.COPY_0_OFFSET, StoreHeaderDescriptor.COPY_LENGTH);
        try (StateStore store = open())
        {
            Fixtures.assertStoreEquals(m2, store, "copy 0 garbage");
            assertEquals(m2Sequence, store.statistics().restoredSequence());
            assertTrue(errors.toString().contains("header copy 0 invalid"), errors.toString());
        }
    }

    @Test
    void shouldUseOtherHeaderCopyWhenOneIsTorn() throws IOException
    {
        writeZeros(file("header.dat"), StoreHeaderDescriptor.COPY_1_OFFSET + 100, 100);
        try (StateStore store = open())
        {
            Fixtures.assertStoreEquals(m2, store, "copy 1 torn");
            assertTrue(errors.toString().contains("header copy 1 invalid (CRC mismatch)"), errors.toString());
        }
    }

    @Test
    void shouldRefuseWhenBothHeaderCopiesAreCorruptAndChangeNothing() throws IOException
    {
        flipBit(file("header.dat"), StoreHeaderDescriptor.COPY_0_OFFSET + 70, 3);
        flipBit(file("header.dat"), StoreHeaderDescriptor.COPY_1_OFFSET + 70, 3);
        final Map<String, Long> before = Fixtures.digest(dir);
        final TidemarkException ex = assertThrows(TidemarkException.class, this::open);
        assertTrue(ex.getMessage().contains("both copies invalid"), ex.getMessage());
        assertTrue(ex.getMessage().contains("StoreTool reset"), ex.getMessage());
        assertEquals(before, Fixtures.digest(dir));
    }

    @Test
    void shouldFallBackToOlderSlotWhenNewestHasGarbagePage() throws IOException
    {
        writeRandom(file("slot-a.dat"), PAGE + 3L * PAGE + 1000, 64);
        assertFallbackToM1("page 3");
    }

    @Test
    void shouldFallBackToOlderSlotWhenNewestIsTruncated() throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(file("slot-a.dat"), "rw"))
        {
            file.setLength(file.length() / 2);
        }
        assertFallbackToM1("wrong file length");
    }

    @Test
    void shouldFallBackToOlderSlotWhenCrcTableHasFlippedBit() throws IOException
    {
        final long regionLength = TableDescriptor.regionLength(TableDescriptor.bucketCount(CAPACITY),
            TableDescriptor.entryLength(8, MAX_VALUE), PAGE);
        flipBit(file("slot-a.dat"), PAGE + regionLength + 8, 5);
        assertFallbackToM1("page CRC table does not match");
    }

    @Test
    void shouldFallBackWhenNewestSlotFileBelongsToAnotherStore(@TempDir final File otherDir) throws IOException
    {
        try (StateStore other = StateStore.open(Fixtures.contextInStoreDir(otherDir, CAPACITY, MAX_VALUE)))
        {
            other.put(1L, Fixtures.value(1, 1, 8), 0, 8);
        }
        java.nio.file.Files.copy(new File(otherDir, "slot-a.dat").toPath(), file("slot-a.dat").toPath(),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertFallbackToM1("another store");
    }

    @Test
    void shouldRefuseWhenBothSlotsAreCorruptAndChangeNothing() throws IOException
    {
        writeRandom(file("slot-a.dat"), PAGE + 10, 8);
        writeRandom(file("slot-b.dat"), PAGE + 5L * PAGE, 8);
        final Map<String, Long> before = Fixtures.digest(dir);
        final TidemarkException ex = assertThrows(TidemarkException.class, this::open);
        assertTrue(ex.getMessage().contains("no valid snapshot slot"), ex.getMessage());
        assertTrue(ex.getMessage().contains("slot A: page 0"), ex.getMessage());
        assertTrue(ex.getMessage().contains("slot B: page 5"), ex.getMessage());
        assertTrue(ex.getMessage().contains("StoreTool reset"), ex.getMessage());
        assertEquals(before, Fixtures.digest(dir));
    }

    @Test
    void shouldRefuseStoreWhoseHeaderIsMissingNamingItsFilesAndChangeNothing() throws IOException
    {
        assertTrue(file("header.dat").delete());
        final Map<String, Long> before = Fixtures.digest(dir);
        for (final boolean createIfMissing : new boolean[]{ true, false })
        {
            final TidemarkException ex = assertThrows(TidemarkException.class,
                () -> StateStore.open(Fixtures.contextInStoreDir(dir, CAPACITY, MAX_VALUE).createIfMissing(createIfMissing)));
            assertTrue(ex.getMessage().contains("store header missing: file=" + file("header.dat")), ex.getMessage());
            assertTrue(ex.getMessage().contains("slot-a.dat"), ex.getMessage());
            assertTrue(ex.getMessage().contains("slot-b.dat"), ex.getMessage());
            assertTrue(ex.getMessage().contains("live.dat"), ex.getMessage());
            assertTrue(ex.getMessage().contains("restore header.dat"), ex.getMessage());
            assertTrue(ex.getMessage().contains("StoreTool reset"), ex.getMessage());
            assertEquals(before, Fixtures.digest(dir));
        }
    }

    @Test
    void shouldRefuseDirectoryWithOnlyOneSlotFileLeft() throws IOException
    {
        assertTrue(file("header.dat").delete());
        assertTrue(file("slot-a.dat").delete());
        assertTrue(file("live.dat").delete());
        final Map<String, Long> before = Fixtures.digest(dir);
        final TidemarkException ex = assertThrows(TidemarkException.class, this::open);
        assertTrue(ex.getMessage().contains("files found: slot-b.dat"), ex.getMessage());
        assertEquals(before, Fixtures.digest(dir));
    }

    @Test
    void shouldRefuseForeignHeaderFile() throws IOException
    {
        writeRandom(file("header.dat"), 0, StoreHeaderDescriptor.HEADER_FILE_LENGTH);
        final Map<String, Long> before = Fixtures.digest(dir);
        final TidemarkException ex = assertThrows(TidemarkException.class, this::open);
        assertTrue(ex.getMessage().contains("not a Tidemark store header"), ex.getMessage());
        assertEquals(before, Fixtures.digest(dir));
    }

    @Test
    void shouldRefuseOlderFormatVersionNamingBoth() throws IOException
    {
        for (final int copy : new int[]{ StoreHeaderDescriptor.COPY_0_OFFSET, StoreHeaderDescriptor.COPY_1_OFFSET })
        {
            rewriteVersion(file("header.dat"), copy, 1);
        }
        final TidemarkException ex = assertThrows(TidemarkException.class, this::open);
        assertTrue(ex.getMessage().contains("unsupported store format version"), ex.getMessage());
        assertTrue(ex.getMessage().contains("found=1 supported=2"), ex.getMessage());
    }

    @Test
    void shouldRefuseSettingsThatContradictTheHeaderAndChangeNothing() throws IOException
    {
        final Map<String, Long> before = Fixtures.digest(dir);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> StateStore.open(Fixtures.contextInStoreDir(dir, CAPACITY + 1, MAX_VALUE).keyLength(16)));
        assertTrue(ex.getMessage().contains("keyLength: settings=16 store=8"), ex.getMessage());
        assertTrue(ex.getMessage().contains("capacity: settings=3001 store=3000"), ex.getMessage());
        assertEquals(before, Fixtures.digest(dir));
    }

    @Test
    void shouldHealCorruptSlotAtNextCheckpointAfterFallback() throws IOException
    {
        writeRandom(file("slot-a.dat"), PAGE + 20L * PAGE, 16);
        try (StateStore store = open())
        {
            assertTrue(store.statistics().restoredFromFallback());
            store.put(9999L, Fixtures.value(9999, 1, 8), 0, 8);
            m1.put(9999L, Fixtures.bytes(Fixtures.value(9999, 1, 8), 0, 8));
            store.checkpointAndAwait();
            store.closeWithoutCheckpoint();
        }
        writeRandom(file("slot-b.dat"), PAGE + 2L * PAGE, 16);
        try (StateStore store = open())
        {
            assertFalse(store.statistics().restoredFromFallback());
            Fixtures.assertStoreEquals(m1, store, "healed slot A");
        }
    }

    private void assertFallbackToM1(final String expectedReason)
    {
        try (StateStore store = open())
        {
            assertTrue(store.statistics().restoredFromFallback());
            assertEquals(1, store.statistics().restoredSlot());
            assertEquals(m1Sequence, store.statistics().restoredSequence());
            Fixtures.assertStoreEquals(m1, store, "fallback to slot B");
            assertTrue(errors.toString().contains("newest snapshot slot A invalid"), errors.toString());
            assertTrue(errors.toString().contains(expectedReason), errors.toString());
        }
    }

    private StateStore open()
    {
        return StateStore.open(Fixtures.contextInStoreDir(dir, CAPACITY, MAX_VALUE).errorHandler(errors::add));
    }

    private File file(final String name)
    {
        return new File(dir, name);
    }

    private static void put(
        final StateStore store, final Map<Long, byte[]> model, final UnsafeBuffer value, final Random random)
    {
        final long key = random.nextInt(CAPACITY);
        final int length = random.nextInt(MAX_VALUE + 1);
        Fixtures.fill(value, key, random.nextInt(), length);
        store.put(key, value, 0, length);
        model.put(key, Fixtures.bytes(value, 0, length));
    }

    private static void writeRandom(final File file, final long offset, final int length) throws IOException
    {
        final byte[] garbage = new byte[length];
        new Random(offset).nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(offset);
            raf.write(garbage);
        }
    }

    private static void writeZeros(final File file, final long offset, final int length) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(offset);
            raf.write(new byte[length]);
        }
    }

    private static void flipBit(final File file, final long offset, final int bit) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ (1 << bit));
        }
    }

    private static void rewriteVersion(final File file, final int copyOffset, final int version) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            final byte[] copy = new byte[StoreHeaderDescriptor.COPY_LENGTH];
            raf.seek(copyOffset);
            raf.readFully(copy);
            final ByteBuffer buffer = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(StoreHeaderDescriptor.FORMAT_VERSION_OFFSET, version);
            final CRC32C crc = new CRC32C();
            crc.update(copy, 0, StoreHeaderDescriptor.CRC_OFFSET);
            buffer.putInt(StoreHeaderDescriptor.CRC_OFFSET, (int)crc.getValue());
            raf.seek(copyOffset);
            raf.write(copy);
        }
    }
}
