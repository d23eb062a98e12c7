/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Pins the table entry and batch operation layouts to their diagrams, and the key hash that places keys.
 */
class TableDescriptorTest
{
    @TempDir
    File dir;

    @Test
    void shouldPinEntryLayout()
    {
        assertEquals(0, TableDescriptor.TAG_OFFSET);
        assertEquals(4, TableDescriptor.VALUE_LENGTH_OFFSET);
        assertEquals(8, TableDescriptor.KEY_OFFSET);
        assertEquals(16, TableDescriptor.valueOffset(8));
        assertEquals(32, TableDescriptor.valueOffset(21));
        assertEquals(16 + 64, TableDescriptor.entryLength(8, 64));
        assertEquals(16 + 72, TableDescriptor.entryLength(8, 65));
        assertEquals(4, TableDescriptor.bucketCount(1));
        assertEquals(2048, TableDescriptor.bucketCount(1000));
        assertEquals(2_097_152, TableDescriptor.bucketCount(1_000_000));
        assertEquals(8192, TableDescriptor.regionLength(100, 80, 4096));
    }

    @Test
    void shouldPinBatchOperationLayout()
    {
        assertEquals(1, BatchDescriptor.PUT);
        assertEquals(2, BatchDescriptor.REMOVE);
        assertEquals(0, BatchDescriptor.TYPE_OFFSET);
        assertEquals(4, BatchDescriptor.VALUE_LENGTH_OFFSET);
        assertEquals(8, BatchDescriptor.KEY_OFFSET);
        assertEquals(16, BatchDescriptor.valueOffset(8));
        assertEquals(16 + 16, BatchDescriptor.operationLength(8, BatchDescriptor.PUT, 13));
        assertEquals(16, BatchDescriptor.operationLength(8, BatchDescriptor.REMOVE, 0));

        final UnsafeBuffer value = Fixtures.value(1, 1, 13);
        try (StateStore store = StateStore.open(Fixtures.context(dir, 10, 16)))
        {
            final StoreBatch batch = store.newBatch().put(0x1122L, value, 0, 13).remove(0x3344L);
            assertEquals(48, batch.length());
            assertEquals(1, batch.buffer().getInt(0, ByteOrder.LITTLE_ENDIAN));
            assertEquals(13, batch.buffer().getInt(4, ByteOrder.LITTLE_ENDIAN));
            assertEquals(0x1122L, batch.buffer().getLong(8, ByteOrder.LITTLE_ENDIAN));
            assertEquals(value.getByte(12), batch.buffer().getByte(16 + 12));
            assertEquals(2, batch.buffer().getInt(32, ByteOrder.LITTLE_ENDIAN));
            assertEquals(0, batch.buffer().getInt(36, ByteOrder.LITTLE_ENDIAN));
            assertEquals(0x3344L, batch.buffer().getLong(40, ByteOrder.LITTLE_ENDIAN));
        }
    }

    @Test
    void shouldPinKeyHashSoStoresReopenAcrossBuilds()
    {
        assertEquals(KeyHash.tag(0x0102030405060708L), KeyHash.tag(longKey(0x0102030405060708L), 0, 8));
        assertEquals(0xCC3B4AEB, KeyHash.tag(42L));
        assertNotEquals(0, KeyHash.tag(0L));
    }

    @Test
    void shouldPlaceEntryInHomeBucketAtDocumentedOffsets() throws Exception
    {
        final UnsafeBuffer value = Fixtures.value(9, 9, 20);
        final int buckets;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 24)))
        {
            store.put(42L, value, 0, 20);
            buckets = TableDescriptor.bucketCount(100);
        }
        final ByteBuffer image = ByteBuffer.wrap(Files.readAllBytes(new File(dir, "slot-b.dat").toPath()))
            .order(ByteOrder.LITTLE_ENDIAN);
        final int entry = 4096 + (KeyHash.tag(42L) & (buckets - 1)) * TableDescriptor.entryLength(8, 24);
        assertEquals(KeyHash.tag(42L), image.getInt(entry));
        assertEquals(20, image.getInt(entry + 4));
        assertEquals(42L, image.getLong(entry + 8));
        for (int i = 0; i < 20; i++)
        {
            assertEquals(value.getByte(i), image.get(entry + 16 + i));
        }
    }

    private static UnsafeBuffer longKey(final long key)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        buffer.putLong(0, key, ByteOrder.LITTLE_ENDIAN);
        return buffer;
    }
}
