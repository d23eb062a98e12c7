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
import java.util.Arrays;
import java.util.zip.CRC32C;

import static dev.tidemark.store.SlotDescriptor.*;
import static org.agrona.BitUtil.align;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Pins the slot file and page CRC table layouts to their diagrams, and checks a slot written by a real store.
 */
class SlotDescriptorTest
{
    @TempDir
    File dir;

    @Test
    void shouldPinSlotFileLayout()
    {
        assertEquals(0, MAGIC_OFFSET);
        assertEquals(8, FORMAT_VERSION_OFFSET);
        assertEquals(12, SLOT_INDEX_OFFSET);
        assertEquals(16, STORE_ID_OFFSET);
        assertEquals(24, REGION_LENGTH_OFFSET);
        assertEquals(32, PAGE_SIZE_OFFSET);
        assertEquals(36, PAGE_COUNT_OFFSET);
        assertEquals(40, CRC_OFFSET);
        assertEquals(44, HEADER_LENGTH);
        assertEquals("TIDESLOT", StoreHeaderDescriptorTest.ascii(MAGIC));
        assertEquals(4096, imageOffset(4096));
        assertEquals(4096 + 40960, pageCrcTableOffset(4096, 40960));
        assertEquals(4096 + 40960 + 4096, headerCopyOffset(4096, 40960));
        assertEquals(4096 + 40960 + 4096 + 4096, fileLength(4096, 40960));
        assertEquals(4096 + 4096L * 1025 + 8192, headerCopyOffset(4096, 4096L * 1025), "1025 CRCs need two pages");
        assertEquals(4096 + 4096L * 1025 + 8192 + 4096, fileLength(4096, 4096L * 1025));
        assertEquals(512 + 512L * 3 + 512, headerCopyOffset(512, 512L * 3), "the smallest page holds a copy");
        assertTrue(StoreHeaderDescriptor.COPY_LENGTH <= 512);
        assertEquals("slot-a.dat", fileName(0));
        assertEquals("slot-b.dat", fileName(1));
    }

    @Test
    void shouldPinPageCrcTableLayout()
    {
        assertEquals(4, PageCrcTableDescriptor.ENTRY_LENGTH);
        assertEquals(0, PageCrcTableDescriptor.crcOffset(0));
        assertEquals(4, PageCrcTableDescriptor.crcOffset(1));
        assertEquals(4 * 99, PageCrcTableDescriptor.crcOffset(99));
        assertEquals(400, PageCrcTableDescriptor.tableLength(100));
    }

    @Test
    void shouldWriteSlotWhereTheDiagramSays() throws Exception
    {
        final long regionLength;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 40)))
        {
            for (long key = 0; key < 500; key++)
            {
                store.put(key, Fixtures.value(key, 1, 40), 0, 40);
            }
            store.checkpointAndAwait();
            regionLength = store.regionLength();
        }
        final byte[] bytes = Files.readAllBytes(new File(dir, "slot-b.dat").toPath());
        final ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(fileLength(4096, regionLength), bytes.length);
        assertEquals(MAGIC, file.getLong(0));
        assertEquals(2, file.getInt(8), "format version");
        assertEquals(1, file.getInt(12), "slot index of B");
        assertEquals(regionLength, file.getLong(24));
        assertEquals(4096, file.getInt(32));
        final int pageCount = (int)(regionLength / 4096);
        assertEquals(pageCount, file.getInt(36));
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 40);
        assertEquals((int)crc.getValue(), file.getInt(40));

        for (int page = 0; page < pageCount; page++)
        {
            final CRC32C pageCrc = new CRC32C();
            pageCrc.update(bytes, 4096 + page * 4096, 4096);
            assertEquals((int)pageCrc.getValue(), file.getInt((int)(4096 + regionLength + page * 4L)), "page " + page);
        }

        // B took the one commit: its header copy holds exactly what the header's copies hold.
        final byte[] header = Files.readAllBytes(new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME).toPath());
        final int copyAt = (int)(4096 + regionLength + align(pageCount * 4, 4096));
        assertArrayEquals(Arrays.copyOfRange(header, 0, StoreHeaderDescriptor.COPY_LENGTH),
            Arrays.copyOfRange(bytes, copyAt, copyAt + StoreHeaderDescriptor.COPY_LENGTH));
        assertEquals(2, file.getLong(copyAt + StoreHeaderDescriptor.GENERATION_OFFSET), "generation");
        assertEquals(copyAt + 4096, bytes.length);

        // A's copy is the one creation wrote: generation 1, A committed as the empty image, B never.
        final ByteBuffer slotA = ByteBuffer.wrap(Files.readAllBytes(new File(dir, "slot-a.dat").toPath()))
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(StoreHeaderDescriptor.MAGIC, slotA.getLong(copyAt));
        assertEquals(1, slotA.getLong(copyAt + StoreHeaderDescriptor.GENERATION_OFFSET));
        assertEquals(1, slotA.getLong(copyAt + StoreHeaderDescriptor.slotRecordOffset(0)), "A's checkpoint id");
        assertEquals(0, slotA.getLong(copyAt + StoreHeaderDescriptor.slotRecordOffset(1)), "B never committed");
    }
}
