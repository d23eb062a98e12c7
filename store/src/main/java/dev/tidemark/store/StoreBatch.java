/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

import java.nio.ByteOrder;

import static dev.tidemark.store.BatchDescriptor.*;

/**
 * An atomic batch of puts and removes: {@link StateStore#apply(StoreBatch)} applies all of it or, if any operation
 * cannot apply, none of it, and a checkpoint never falls inside it. Operations apply in the order they were added;
 * a later operation on the same key sees the earlier one.
 * <p>
 * Build one with {@link StateStore#newBatch()} and reuse it: {@link #clear()} then add again. Adding allocates
 * nothing once the buffer has grown to the largest batch used. The encoded operations (see {@link BatchDescriptor})
 * are what the change stream carries; {@link #wrap} reads such bytes back without copying them.
 * <p>
 * Not thread safe; use it on the store's writer thread.
 */
public final class StoreBatch
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final int keyLength;
    private final int maxValueLength;
    private final int maxOperations;
    private final int valueOffset;
    private final ExpandableDirectByteBuffer ownBuffer;
    private DirectBuffer buffer;
    private int offset;
    private int length;
    private int operationCount;

    StoreBatch(final int keyLength, final int maxValueLength, final int maxOperations, final int initialCapacity)
    {
        this.keyLength = keyLength;
        this.maxValueLength = maxValueLength;
        this.maxOperations = maxOperations;
        this.valueOffset = BatchDescriptor.valueOffset(keyLength);
        this.ownBuffer = new ExpandableDirectByteBuffer(initialCapacity);
        this.buffer = ownBuffer;
    }

    /**
     * Add a put of a long key (stores with key length 8).
     *
     * @param key         the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value in {@code value}.
     * @param valueLength length of the value.
     * @return this batch.
     */
    public StoreBatch put(final long key, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        checkLongKey();
        checkValueBounds(value, valueOffset, valueLength);
        final int at = reserve(PUT, valueLength);
        ownBuffer.putLong(at + KEY_OFFSET, key, ORDER);
        ownBuffer.putBytes(at + this.valueOffset, value, valueOffset, valueLength);
        return this;
    }

    /**
     * Add a put of a byte key of the store's key length.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key in {@code key}.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value in {@code value}.
     * @param valueLength length of the value.
     * @return this batch.
     */
    public StoreBatch put(
        final DirectBuffer key,
        final int keyOffset,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength)
    {
        checkKeyBounds(key, keyOffset);
        checkValueBounds(value, valueOffset, valueLength);
        final int at = reserve(PUT, valueLength);
        ownBuffer.putBytes(at + KEY_OFFSET, key, keyOffset, keyLength);
        ownBuffer.putBytes(at + this.valueOffset, value, valueOffset, valueLength);
        return this;
    }

    /**
     * Add a remove of a long key (stores with key length 8).
     *
     * @param key the key.
     * @return this batch.
     */
    public StoreBatch remove(final long key)
    {
        checkLongKey();
        final int at = reserve(REMOVE, 0);
        ownBuffer.putLong(at + KEY_OFFSET, key, ORDER);
        return this;
    }

    /**
     * Add a remove of a byte key of the store's key length.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key in {@code key}.
     * @return this batch.
     */
    public StoreBatch remove(final DirectBuffer key, final int keyOffset)
    {
        checkKeyBounds(key, keyOffset);
        final int at = reserve(REMOVE, 0);
        ownBuffer.putBytes(at + KEY_OFFSET, key, keyOffset, keyLength);
        return this;
    }

    /**
     * Empty the batch and point it back at its own buffer.
     *
     * @return this batch.
     */
    public StoreBatch clear()
    {
        buffer = ownBuffer;
        offset = 0;
        length = 0;
        operationCount = 0;
        return this;
    }

    /**
     * Read encoded operations (see {@link BatchDescriptor}) in place, checking their structure.
     *
     * @param buffer holding the operations.
     * @param offset of the first operation.
     * @param length of all operations.
     * @return this batch.
     * @throws IllegalArgumentException if the bytes are not well-formed operations for this store.
     */
    public StoreBatch wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        int count = 0;
        int at = offset;
        final int end = offset + length;
        while (at < end)
        {
            if (end - at < this.valueOffset)
            {
                throw new IllegalArgumentException("batch truncated: operation at offset=" + (at - offset));
            }
            final int type = buffer.getInt(at + TYPE_OFFSET, ORDER);
            final int valueLength = buffer.getInt(at + VALUE_LENGTH_OFFSET, ORDER);
            if ((PUT != type && REMOVE != type) || valueLength < 0 || valueLength > maxValueLength ||
                (REMOVE == type && 0 != valueLength))
            {
                throw new IllegalArgumentException("malformed batch operation at offset=" + (at - offset) +
                    ": type=" + type + " valueLength=" + valueLength);
            }
            final int operationLength = operationLength(keyLength, type, valueLength);
            if (operationLength > end - at)
            {
                throw new IllegalArgumentException("batch truncated: operation at offset=" + (at - offset));
            }
            at += operationLength;
            count++;
        }
        if (count > maxOperations)
        {
            throw new IllegalArgumentException("batch too large: operations=" + count + " max=" + maxOperations);
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.operationCount = count;
        return this;
    }

    /**
     * Number of operations.
     *
     * @return number of operations.
     */
    public int operationCount()
    {
        return operationCount;
    }

    /**
     * The buffer holding the encoded operations.
     *
     * @return the buffer.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Offset of the first operation in {@link #buffer()}.
     *
     * @return the offset.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * Length of the encoded operations.
     *
     * @return the length.
     */
    public int length()
    {
        return length;
    }

    int keyLength()
    {
        return keyLength;
    }

    private int reserve(final int type, final int valueLength)
    {
        if (buffer != ownBuffer)
        {
            throw new IllegalStateException("batch wraps external operations; clear() before adding");
        }
        if (operationCount >= maxOperations)
        {
            throw new IllegalStateException("batch full: operations=" + operationCount + " max=" + maxOperations);
        }
        final int at = length;
        final int operationLength = operationLength(keyLength, type, valueLength);
        ownBuffer.checkLimit(at + operationLength);
        ownBuffer.putInt(at + TYPE_OFFSET, type, ORDER);
        ownBuffer.putInt(at + VALUE_LENGTH_OFFSET, valueLength, ORDER);
        length += operationLength;
        operationCount++;
        return at;
    }

    private void checkLongKey()
    {
        if (Long.BYTES != keyLength)
        {
            throw new IllegalArgumentException("long key on a store with keyLength=" + keyLength);
        }
    }

    private void checkKeyBounds(final DirectBuffer key, final int keyOffset)
    {
        checkKeyBounds(key, keyOffset, keyLength);
    }

    private void checkValueBounds(final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        checkValueBounds(value, valueOffset, valueLength, maxValueLength);
    }

    /**
     * Check that a buffer holds a key of the given length at an offset.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @param keyLength the store's key length.
     * @throws IllegalArgumentException if it does not, naming the values.
     */
    public static void checkKeyBounds(final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        if (keyOffset < 0 || key.capacity() - keyOffset < keyLength)
        {
            throw new IllegalArgumentException("key shorter than keyLength=" + keyLength + ": capacity=" +
                key.capacity() + " offset=" + keyOffset);
        }
    }

    /**
     * Check a value's length against the store's maximum and its bounds in its buffer.
     *
     * @param value          buffer holding the value.
     * @param valueOffset    offset of the value.
     * @param valueLength    length of the value.
     * @param maxValueLength the store's maximum value length.
     * @throws IllegalArgumentException if it does not fit, naming the values.
     */
    public static void checkValueBounds(
        final DirectBuffer value, final int valueOffset, final int valueLength, final int maxValueLength)
    {
        if (valueLength < 0 || valueLength > maxValueLength)
        {
            throw new IllegalArgumentException(
                "value length out of range: valueLength=" + valueLength + " maxValueLength=" + maxValueLength);
        }
        if (valueOffset < 0 || value.capacity() - valueOffset < valueLength)
        {
            throw new IllegalArgumentException("value out of buffer bounds: offset=" + valueOffset + " length=" +
                valueLength + " capacity=" + value.capacity());
        }
    }

    static int operationType(final DirectBuffer buffer, final int at)
    {
        return buffer.getInt(at + TYPE_OFFSET, ORDER);
    }

    static int operationValueLength(final DirectBuffer buffer, final int at)
    {
        return buffer.getInt(at + VALUE_LENGTH_OFFSET, ORDER);
    }
}
