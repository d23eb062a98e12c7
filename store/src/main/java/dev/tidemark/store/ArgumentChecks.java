/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;

/**
 * The checks of a store's call arguments and settings, shared by {@link StateStore}, {@link StoreContext},
 * {@link StoreBatch} and the durable store that fronts a state store (and its context), so that each refuses the same
 * input with the same message. Each check throws before
 * anything is changed, with {@code what: name=value} text; on the normal path it allocates nothing (a message is
 * built only when the check fails) and costs a comparison or two.
 */
public final class ArgumentChecks
{
    private ArgumentChecks()
    {
    }

    /**
     * Check that an argument is not null.
     *
     * @param argument the argument.
     * @param name     its name, for the message.
     * @throws NullPointerException {@code null argument: name=null}.
     */
    public static void checkNotNull(final Object argument, final String name)
    {
        if (null == argument)
        {
            throw new NullPointerException("null argument: " + name + "=null");
        }
    }

    /**
     * Check that a store takes long keys.
     *
     * @param keyLength the store's key length.
     * @throws IllegalArgumentException unless it is 8.
     */
    public static void checkLongKey(final int keyLength)
    {
        if (Long.BYTES != keyLength)
        {
            throw new IllegalArgumentException("long key on a store with keyLength=" + keyLength);
        }
    }

    /**
     * Check that a buffer holds a key of the store's key length at an offset.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @param keyLength the store's key length.
     * @throws NullPointerException     if {@code key} is null.
     * @throws IllegalArgumentException if the key runs outside the buffer.
     */
    public static void checkKey(final DirectBuffer key, final int keyOffset, final int keyLength)
    {
        checkNotNull(key, "key");
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
     * @throws NullPointerException     if {@code value} is null.
     * @throws IllegalArgumentException if it does not fit, naming the values.
     */
    public static void checkValue(
        final DirectBuffer value, final int valueOffset, final int valueLength, final int maxValueLength)
    {
        checkNotNull(value, "value");
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

    /**
     * Check that a range lies inside a buffer: for encoded operations or messages read in place.
     *
     * @param buffer the buffer.
     * @param offset start of the range.
     * @param length length of the range.
     * @param what   what the range holds, for the message.
     * @throws NullPointerException     if {@code buffer} is null.
     * @throws IllegalArgumentException if the range is negative or runs outside the buffer.
     */
    public static void checkRange(final DirectBuffer buffer, final int offset, final int length, final String what)
    {
        checkNotNull(buffer, "buffer");
        if (offset < 0 || length < 0 || buffer.capacity() - offset < length)
        {
            throw new IllegalArgumentException(what + " out of buffer bounds: offset=" + offset + " length=" +
                length + " capacity=" + buffer.capacity());
        }
    }

    /**
     * Check a store key length setting.
     *
     * @param keyLength the key length.
     * @throws IllegalArgumentException unless in [1, {@link TableDescriptor#MAX_KEY_LENGTH}].
     */
    public static void checkKeyLength(final int keyLength)
    {
        if (keyLength < 1 || keyLength > TableDescriptor.MAX_KEY_LENGTH)
        {
            throw new IllegalArgumentException("keyLength out of range [1, " + TableDescriptor.MAX_KEY_LENGTH +
                "]: keyLength=" + keyLength);
        }
    }

    /**
     * Check a store max value length setting (0 is a store of keys alone).
     *
     * @param maxValueLength the max value length.
     * @throws IllegalArgumentException unless in [0, {@link TableDescriptor#MAX_VALUE_LENGTH}].
     */
    public static void checkMaxValueLength(final int maxValueLength)
    {
        // 0 is a store of keys alone: the format and the table allow it.
        if (maxValueLength < 0 || maxValueLength > TableDescriptor.MAX_VALUE_LENGTH)
        {
            throw new IllegalArgumentException("maxValueLength out of range [0, " +
                TableDescriptor.MAX_VALUE_LENGTH + "]: maxValueLength=" + maxValueLength);
        }
    }

    /**
     * Check a store capacity setting.
     *
     * @param capacity the capacity in entries.
     * @throws IllegalArgumentException unless positive.
     */
    public static void checkCapacity(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be positive: capacity=" + capacity);
        }
    }

    /**
     * Check a store page size setting.
     *
     * @param pageSize the page size.
     * @throws IllegalArgumentException unless a power of two >= 512.
     */
    public static void checkPageSize(final int pageSize)
    {
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1)
        {
            throw new IllegalArgumentException("pageSize must be a power of two >= 512: pageSize=" + pageSize);
        }
    }

    /**
     * Check that a setting is positive.
     *
     * @param name  its name, for the message.
     * @param value the value.
     * @throws IllegalArgumentException unless positive: {@code name must be positive: name=value}.
     */
    public static void checkPositive(final String name, final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
        }
    }

    /**
     * Check that a setting is not negative.
     *
     * @param name  its name, for the message.
     * @param value the value.
     * @throws IllegalArgumentException if negative: {@code name must not be negative: name=value}.
     */
    public static void checkNotNegative(final String name, final long value)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException(name + " must not be negative: " + name + "=" + value);
        }
    }
}
