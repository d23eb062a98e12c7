/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static dev.tidemark.archive.ChangeMessageDescriptor.*;

/**
 * Reads and writes a change message in place (see {@link ChangeMessageDescriptor}), in a claimed publication
 * buffer, a replayed fragment or a scratch buffer. Reusable; allocation free once it has seen the buffers it works
 * on.
 */
public final class ChangeMessageFlyweight
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int VIEW_CACHE_SIZE = 8;

    private final CRC32C crc = new CRC32C();
    private final ByteBuffer[] sources = new ByteBuffer[VIEW_CACHE_SIZE];
    private final ByteBuffer[] views = new ByteBuffer[VIEW_CACHE_SIZE];
    private int nextView;
    private final UnsafeBuffer scratch;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int length;

    /**
     * A flyweight able to checksum messages up to a length in any buffer.
     *
     * @param maxMessageLength longest message it will see.
     */
    public ChangeMessageFlyweight(final int maxMessageLength)
    {
        scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(maxMessageLength, HEADER_LENGTH)));
    }

    /**
     * Wrap a message to read.
     *
     * @param buffer holding the message.
     * @param offset of the message.
     * @param length of the message.
     * @return this.
     */
    public ChangeMessageFlyweight wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Wrap a buffer to write a message into.
     *
     * @param buffer to write into.
     * @param offset of the message.
     * @param length of the message.
     * @return this.
     */
    public ChangeMessageFlyweight wrapForWrite(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Write the header (all but the CRC) of a message whose operations follow it.
     *
     * @param sequence         the mutation's sequence number.
     * @param operationCount   number of operations.
     * @param operationsLength length of the operations.
     * @return this.
     */
    public ChangeMessageFlyweight writeHeader(final long sequence, final int operationCount, final int operationsLength)
    {
        mutableBuffer.putShort(offset + VERSION_OFFSET, FORMAT_VERSION, ORDER);
        mutableBuffer.putShort(offset + FLAGS_OFFSET, (short)0, ORDER);
        mutableBuffer.putLong(offset + SEQUENCE_OFFSET, sequence, ORDER);
        mutableBuffer.putInt(offset + OPERATION_COUNT_OFFSET, operationCount, ORDER);
        mutableBuffer.putInt(offset + OPERATIONS_LENGTH_OFFSET, operationsLength, ORDER);
        return this;
    }

    /**
     * Compute the CRC of the wrapped message and write it in.
     *
     * @return this.
     */
    public ChangeMessageFlyweight seal()
    {
        mutableBuffer.putInt(offset + CRC_OFFSET, computeCrc(), ORDER);
        return this;
    }

    /**
     * Is the wrapped message whole: long enough, its lengths consistent, its version known and its CRC right?
     *
     * @return null if valid, else what is wrong (allocates only then).
     */
    public String validate()
    {
        if (length < HEADER_LENGTH)
        {
            return "message shorter than its header: length=" + length;
        }
        if (crc() != computeCrc())
        {
            return "CRC mismatch: stored=0x" + Integer.toHexString(crc()) + " computed=0x" +
                Integer.toHexString(computeCrc());
        }
        if (FORMAT_VERSION != version())
        {
            return "unsupported change message version: found=" + version() + " supported=" + FORMAT_VERSION;
        }
        if (operationsLength() != length - HEADER_LENGTH)
        {
            return "operations length " + operationsLength() + " does not match message length " + length;
        }
        return null;
    }

    /**
     * @return the stored CRC.
     */
    public int crc()
    {
        return buffer.getInt(offset + CRC_OFFSET, ORDER);
    }

    /**
     * @return the format version.
     */
    public short version()
    {
        return buffer.getShort(offset + VERSION_OFFSET, ORDER);
    }

    /**
     * @return the sequence number.
     */
    public long sequence()
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET, ORDER);
    }

    /**
     * @return the number of operations.
     */
    public int operationCount()
    {
        return buffer.getInt(offset + OPERATION_COUNT_OFFSET, ORDER);
    }

    /**
     * @return the length of the operations.
     */
    public int operationsLength()
    {
        return buffer.getInt(offset + OPERATIONS_LENGTH_OFFSET, ORDER);
    }

    /**
     * @return the offset of the operations in {@link #buffer()}.
     */
    public int operationsOffset()
    {
        return offset + OPERATIONS_OFFSET;
    }

    /**
     * @return the wrapped buffer.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    private int computeCrc()
    {
        final int from = offset + VERSION_OFFSET;
        final int count = length - VERSION_OFFSET;
        crc.reset();
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            crc.update(array, buffer.wrapAdjustment() + from, count);
            return (int)crc.getValue();
        }
        final ByteBuffer source = buffer.byteBuffer();
        if (null != source && source.isDirect())
        {
            final ByteBuffer view = viewOf(source);
            final int index = buffer.wrapAdjustment() + from;
            view.clear();
            view.limit(index + count).position(index);
            crc.update(view);
            return (int)crc.getValue();
        }
        scratch.putBytes(0, buffer, from, count);
        final ByteBuffer view = scratch.byteBuffer();
        view.clear();
        view.limit(count).position(0);
        crc.update(view);
        return (int)crc.getValue();
    }

    private ByteBuffer viewOf(final ByteBuffer source)
    {
        for (int i = 0; i < VIEW_CACHE_SIZE; i++)
        {
            if (sources[i] == source)
            {
                return views[i];
            }
        }
        final int slot = nextView;
        nextView = (nextView + 1) % VIEW_CACHE_SIZE;
        sources[slot] = source;
        views[slot] = source.duplicate();
        return views[slot];
    }
}
