/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A store whose header.dat was lost is refused on open, and {@code StoreTool restore-header} rebuilds it from the
 * copies the slot files keep, each slot's record from its own file. Setup: slot B holds state M1 (checkpoint 2),
 * slot A the newer M2 (checkpoint 3).
 */
class StoreToolTest
{
    private static final int CAPACITY = 3000;
    private static final int MAX_VALUE = 48;

    @TempDir
    File dir;

    private final Map<Long, byte[]> m1 = new HashMap<>();
    private final Map<Long, byte[]> m2 = new HashMap<>();
    private long m2Sequence;

    @BeforeEach
    void createStoreWithTwoCheckpoints()
    {
        final Random random = new Random(11);
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));
        try (StateStore store = StateStore.open(context().kind(StoreKind.DURABLE)))
        {
            for (int i = 0; i < 1500; i++)
            {
                put(store, m1, value, random);
            }
            store.logPosition(1000);
            store.checkpointAndAwait();
            m2.putAll(m1);
            for (int i = 0; i < 1500; i++)
            {
                put(store, m2, value, random);
            }
            store.logPosition(2000);
            store.checkpointAndAwait();
            m2Sequence = store.lastSequence();
            store.closeWithoutCheckpoint();
        }
    }

    @Test
    void shouldRestoreALostHeaderFromTheCopiesInTheSlotFiles() throws IOException
    {
        assertTrue(header().delete());
        final TidemarkException refused = assertThrows(TidemarkException.class,
            () -> StateStore.open(context().kind(StoreKind.DURABLE)));
        assertTrue(refused.getMessage().contains("StoreTool restore-header"), refused.getMessage());

        final String output = run("restore-header", 0);
        assertTrue(output.contains("header.dat restored"), output);
        assertTrue(output.contains("2 valid slot(s)"), output);
        try (StateStore store = StateStore.open(context().kind(StoreKind.DURABLE)))
        {
            assertEquals(0, store.statistics().restoredSlot());
            assertEquals(m2Sequence, store.statistics().restoredSequence());
            assertEquals(2000, store.statistics().restoredPosition());
            assertFalse(store.statistics().restoredFromFallback());
            Fixtures.assertStoreEquals(m2, store, "restored header, newest slot");
            store.closeWithoutCheckpoint();
        }

        // The older slot's record came from its own file too: with the newest damaged, open falls back to it.
        assertTrue(header().delete());
        run("restore-header", 0);
        writeGarbage(new File(dir, "slot-a.dat"), SlotDescriptor.imageOffset(4096) + 4096L * 2);
        try (StateStore store = StateStore.open(context().kind(StoreKind.DURABLE)))
        {
            assertTrue(store.statistics().restoredFromFallback());
            assertEquals(1000, store.statistics().restoredPosition());
            Fixtures.assertStoreEquals(m1, store, "restored header, older slot");
        }
    }

    @Test
    void shouldRefuseToRestoreOverAnExistingHeader() throws IOException
    {
        final Map<String, Long> before = Fixtures.digest(dir);
        final String output = run("restore-header", 1);
        assertTrue(output.contains("header.dat exists"), output);
        assertEquals(before, Fixtures.digest(dir));
    }

    @Test
    void shouldRefuseToRestoreWhenNoSlotKeepsAValidCopy() throws IOException
    {
        assertTrue(header().delete());
        for (final String slot : new String[]{ "slot-a.dat", "slot-b.dat" })
        {
            final File file = new File(dir, slot);
            writeGarbage(file, file.length() - 4096);
        }
        final Map<String, Long> before = Fixtures.digest(dir);
        final String output = run("restore-header", 1);
        assertTrue(output.contains("no valid header copy"), output);
        assertTrue(output.contains("slot A: CRC mismatch"), output);
        assertEquals(before, Fixtures.digest(dir));
    }

    private String run(final String command, final int expectedStatus)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int status = StoreTool.run(command, dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String output = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, output);
        return output;
    }

    private File header()
    {
        return new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
    }

    private StoreContext context()
    {
        return Fixtures.context(dir, CAPACITY, MAX_VALUE);
    }

    private static void writeGarbage(final File file, final long offset) throws IOException
    {
        final byte[] garbage = new byte[64];
        new Random(offset).nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(offset + 16);
            raf.write(garbage);
        }
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
}
