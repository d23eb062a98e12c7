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
        this.ownBuffer = new ExpandableDirectByteBuffer(initialCapacity);
        this.buffer = ownBuffer;
    }

    /**
     * A batch for a store of these settings, made without the store: for a process that encodes changes another
     * process applies (a cluster client, say). Operations are checked against these settings as they are added.
     *
     * @param keyLength      the store's key length.
     * @param maxValueLength the store's max value length.
     * @param maxOperations  most operations in one batch.
     * @return a new, empty batch.
     * @throws IllegalArgumentException if a setting is out of the range a store takes.
     */
    public static StoreBatch forGeometry(final int keyLength, final int maxValueLength, final int maxOperations)
    {
        ArgumentChecks.checkKeyLength(keyLength);
        ArgumentChecks.checkMaxValueLength(maxValueLength);
        ArgumentChecks.checkPositive("maxOperations", maxOperations);
        return new StoreBatch(keyLength, maxValueLength, maxOperations, 256);
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
        ArgumentChecks.checkLongKey(keyLength);
        ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
        final int at = reserve(PUT, valueLength);
        length += OperationEncoder.putLong(ownBuffer, at, keyLength, key, value, valueOffset, valueLength);
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
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
        ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
        final int at = reserve(PUT, valueLength);
        length += OperationEncoder.put(ownBuffer, at, keyLength, key, keyOffset, value, valueOffset, valueLength);
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
        ArgumentChecks.checkLongKey(keyLength);
        final int at = reserve(REMOVE, 0);
        length += OperationEncoder.removeLong(ownBuffer, at, keyLength, key);
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
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
        final int at = reserve(REMOVE, 0);
        length += OperationEncoder.remove(ownBuffer, at, keyLength, key, keyOffset);
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
     * Read encoded operations (see {@link BatchDescriptor}) in place, checking every one against the geometry of the
     * store that made this batch. On a refusal the batch is left as it was.
     *
     * @param buffer holding the operations.
     * @param offset of the first operation.
     * @param length of all operations.
     * @return this batch.
     * @throws NullPointerException     if {@code buffer} is null.
     * @throws IllegalArgumentException if the range is outside the buffer or the bytes are not well-formed
     *                                  operations for this store.
     */
    public StoreBatch wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        final int count = validate(buffer, offset, length, keyLength, maxValueLength, maxOperations);
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.operationCount = count;
        return this;
    }

    /**
     * Read encoded operations in place, as {@link #wrap(DirectBuffer, int, int)} does, and check that they are as
     * many as their carrier says (a change message's operation count, say).
     *
     * @param buffer         holding the operations.
     * @param offset         of the first operation.
     * @param length         of all operations.
     * @param operationCount how many operations the bytes must hold.
     * @return this batch.
     * @throws NullPointerException     if {@code buffer} is null.
     * @throws IllegalArgumentException if the bytes are not well-formed operations for this store, or not
     *                                  {@code operationCount} of them.
     */
    public StoreBatch wrap(final DirectBuffer buffer, final int offset, final int length, final int operationCount)
    {
        final int count = validate(buffer, offset, length, keyLength, maxValueLength, maxOperations);
        if (count != operationCount)
        {
            throw new IllegalArgumentException(
                "batch operation count mismatch: operations=" + count + " expected=" + operationCount);
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
     * @return true if the batch reads operations wrapped in place, false if it holds those its own put and remove
     * methods encoded (each checked as it was added).
     */
    boolean isWrapped()
    {
        return buffer != ownBuffer;
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

    int maxValueLength()
    {
        return maxValueLength;
    }

    /**
     * Make room for one more operation at the end, for {@link OperationEncoder} to write; the caller adds its length.
     */
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
        ownBuffer.checkLimit(length + operationLength(keyLength, type, valueLength));
        operationCount++;
        return length;
    }

    /**
     * Walk encoded operations once, checking each against a store's geometry: a known type, a value length within
     * the store's maximum (0 for a remove), every operation inside the range, the lengths summing exactly to it, and
     * at most {@code maxOperations} of them. Reads only; allocates only to refuse.
     *
     * @return the number of operations.
     * @throws IllegalArgumentException naming the first problem and its offset in the batch.
     */
    static int validate(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int keyLength,
        final int maxValueLength,
        final int maxOperations)
    {
        ArgumentChecks.checkRange(buffer, offset, length, "batch");
        final int headerAndKey = BatchDescriptor.valueOffset(keyLength);
        final int end = offset + length;
        int count = 0;
        int at = offset;
        while (at < end)
        {
            if (end - at < headerAndKey)
            {
                throw new IllegalArgumentException("batch truncated: operation at offset=" + (at - offset) +
                    " needs length=" + headerAndKey + " remaining=" + (end - at));
            }
            final int type = buffer.getInt(at + TYPE_OFFSET, ORDER);
            final int valueLength = buffer.getInt(at + VALUE_LENGTH_OFFSET, ORDER);
            if ((PUT != type && REMOVE != type) || valueLength < 0 || valueLength > maxValueLength ||
                (REMOVE == type && 0 != valueLength))
            {
                throw new IllegalArgumentException("malformed batch operation at offset=" + (at - offset) +
                    ": type=" + type + " valueLength=" + valueLength + " maxValueLength=" + maxValueLength);
            }
            final int operationLength = operationLength(keyLength, type, valueLength);
            if (operationLength > end - at)
            {
                throw new IllegalArgumentException("batch truncated: operation at offset=" + (at - offset) +
                    " needs length=" + operationLength + " remaining=" + (end - at));
            }
            at += operationLength;
            if (++count > maxOperations)
            {
                throw new IllegalArgumentException(
                    "batch too large: more than maxBatchOperations=" + maxOperations + " operations");
            }
        }
        return count;
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
