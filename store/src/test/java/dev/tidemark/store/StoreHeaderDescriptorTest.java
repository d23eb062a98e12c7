/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.zip.CRC32C;

import static dev.tidemark.store.StoreHeaderDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Pins every offset of the header layout to the diagram in {@link StoreHeaderDescriptor}, and checks a header
 * written by a real store against the same literal offsets.
 */
class StoreHeaderDescriptorTest
{
    @TempDir
    File dir;

    @Test
    void shouldPinHeaderCopyLayout()
    {
        assertEquals(0, MAGIC_OFFSET);
        assertEquals(8, FORMAT_VERSION_OFFSET);
        assertEquals(12, PAGE_SIZE_OFFSET);
        assertEquals(16, STORE_ID_OFFSET);
        assertEquals(24, KEY_LENGTH_OFFSET);
        assertEquals(28, MAX_VALUE_LENGTH_OFFSET);
        assertEquals(32, CAPACITY_OFFSET);
        assertEquals(36, ENTRY_LENGTH_OFFSET);
        assertEquals(40, BUCKET_COUNT_OFFSET);
        assertEquals(44, KIND_OFFSET);
        assertEquals(48, REGION_LENGTH_OFFSET);
        assertEquals(56, GENERATION_OFFSET);
        assertEquals(64, SLOT_RECORDS_OFFSET);
        assertEquals(64, slotRecordOffset(0));
        assertEquals(128, slotRecordOffset(1));
        assertEquals(192, CRC_OFFSET);
        assertEquals(256, COPY_LENGTH);
        assertEquals(0, copyOffset(0));
        assertEquals(4096, copyOffset(1));
        assertEquals(8192, HEADER_FILE_LENGTH);
        assertEquals(2, FORMAT_VERSION);
        assertEquals("TIDEMARK", ascii(MAGIC));
    }

    @Test
    void shouldPinSlotRecordLayout()
    {
        assertEquals(64, SLOT_RECORD_LENGTH);
        assertEquals(0, CHECKPOINT_ID_FIELD_OFFSET);
        assertEquals(8, LOG_POSITION_FIELD_OFFSET);
        assertEquals(16, SEQUENCE_FIELD_OFFSET);
        assertEquals(24, ENTRY_COUNT_FIELD_OFFSET);
        assertEquals(32, PAGE_TABLE_CRC_FIELD_OFFSET);
        assertEquals(36, PAGE_COUNT_FIELD_OFFSET);
        assertEquals(40, LOG_RECORDING_ID_FIELD_OFFSET);
        assertEquals(48, LOG_INITIAL_TERM_ID_FIELD_OFFSET);
        assertEquals(52, LOG_TERM_LENGTH_FIELD_OFFSET);
        assertEquals(56, LOG_MTU_LENGTH_FIELD_OFFSET);
    }

    @Test
    void shouldWriteHeaderFieldsWhereTheDiagramSays() throws Exception
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 40).pageSize(4096)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
            store.logPosition(4242);
            store.logIdentity(new LogIdentity(77, 5, 1 << 20, 1408));
            store.checkpointAndAwait();
        }
        final ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(new File(dir, HEADER_FILE_NAME).toPath()))
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8192, file.capacity());
        for (final int copy : new int[]{ 0, 4096 })
        {
            assertEquals(MAGIC, file.getLong(copy));
            assertEquals(2, file.getInt(copy + 8));
            assertEquals(4096, file.getInt(copy + 12));
            assertEquals(8, file.getInt(copy + 24));
            assertEquals(40, file.getInt(copy + 28));
            assertEquals(1000, file.getInt(copy + 32));
            assertEquals(8 + 8 + 40, file.getInt(copy + 36));
            assertEquals(2048, file.getInt(copy + 40));
            assertEquals(1, file.getInt(copy + 44), "kind PLAIN");
            assertEquals(28 * 4096, file.getLong(copy + 48));
            assertEquals(2, file.getLong(copy + 56), "generation: creation, then one commit");
            final int slotB = copy + 128;
            assertEquals(2, file.getLong(slotB), "checkpoint id");
            assertEquals(4242, file.getLong(slotB + 8));
            assertEquals(1, file.getLong(slotB + 16));
            assertEquals(1, file.getLong(slotB + 24));
            assertEquals(28, file.getInt(slotB + 36));
            assertEquals(77, file.getLong(slotB + 40));
            assertEquals(5, file.getInt(slotB + 48));
            assertEquals(1 << 20, file.getInt(slotB + 52));
            assertEquals(1408, file.getInt(slotB + 56));
            final CRC32C crc = new CRC32C();
            crc.update(file.array(), copy, 192);
            assertEquals((int)crc.getValue(), file.getInt(copy + 192));
        }
    }

    @Test
    void shouldPinStoreKindCodes() throws Exception
    {
        assertEquals(1, StoreKind.PLAIN.code());
        assertEquals(2, StoreKind.DURABLE.code());
        assertEquals(StoreKind.DURABLE, StoreKind.fromCode(2));
        assertNull(StoreKind.fromCode(0));
        StateStore.open(Fixtures.context(dir, 100, 8).kind(StoreKind.DURABLE)).close();
        final ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(new File(dir, HEADER_FILE_NAME).toPath()))
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, file.getInt(44));
        assertEquals(2, file.getInt(4096 + 44));
    }

    static String ascii(final long littleEndian)
    {
        final byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(littleEndian).array();
        return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
