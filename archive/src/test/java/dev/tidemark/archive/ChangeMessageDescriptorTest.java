/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static dev.tidemark.archive.ChangeMessageDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Pins the change message layout to its diagram, and the CRC to what {@code java.util.zip.CRC32C} computes over the
 * documented range, in heap, direct and offset buffers alike.
 */
class ChangeMessageDescriptorTest
{
    @Test
    void shouldPinLayout()
    {
        assertEquals(0, CRC_OFFSET);
        assertEquals(4, VERSION_OFFSET);
        assertEquals(6, FLAGS_OFFSET);
        assertEquals(8, SEQUENCE_OFFSET);
        assertEquals(16, OPERATION_COUNT_OFFSET);
        assertEquals(20, OPERATIONS_LENGTH_OFFSET);
        assertEquals(24, OPERATIONS_OFFSET);
        assertEquals(24, HEADER_LENGTH);
        assertEquals(1, FORMAT_VERSION);
        assertEquals(24 + 40, messageLength(40));
    }

    @Test
    void shouldWriteFieldsWhereTheDiagramSaysAndSealWithCrc32c()
    {
        for (final UnsafeBuffer buffer : new UnsafeBuffer[]{
            new UnsafeBuffer(new byte[256]),
            new UnsafeBuffer(ByteBuffer.allocateDirect(256)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(512), 100, 256) })
        {
            final int length = HEADER_LENGTH + 16;
            buffer.putLong(HEADER_LENGTH, 0x1122334455667788L);
            buffer.putLong(HEADER_LENGTH + 8, 99L);
            final ChangeMessageFlyweight message = new ChangeMessageFlyweight(256);
            message.wrapForWrite(buffer, 0, length).writeHeader(42L, 1, 16).seal();

            assertEquals(1, buffer.getShort(4, ByteOrder.LITTLE_ENDIAN));
            assertEquals(0, buffer.getShort(6, ByteOrder.LITTLE_ENDIAN));
            assertEquals(42L, buffer.getLong(8, ByteOrder.LITTLE_ENDIAN));
            assertEquals(1, buffer.getInt(16, ByteOrder.LITTLE_ENDIAN));
            assertEquals(16, buffer.getInt(20, ByteOrder.LITTLE_ENDIAN));
            final byte[] bytes = new byte[length];
            buffer.getBytes(0, bytes);
            final CRC32C crc = new CRC32C();
            crc.update(bytes, 4, length - 4);
            assertEquals((int)crc.getValue(), buffer.getInt(0, ByteOrder.LITTLE_ENDIAN));

            assertNull(message.wrap(buffer, 0, length).validate());
            buffer.putByte(HEADER_LENGTH + 3, (byte)(buffer.getByte(HEADER_LENGTH + 3) ^ 4));
            assertTrue(message.wrap(buffer, 0, length).validate().startsWith("CRC mismatch"));
        }
    }
}
