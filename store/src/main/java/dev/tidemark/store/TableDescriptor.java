/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.align;

/**
 * Layout of the table region: the live region and the image in each snapshot slot. The region is an array of
 * {@code bucket count} fixed-length entries (bucket count a power of two), followed by zero padding up to a whole
 * page. An open-addressing hash table with linear probing and backward-shift deletion, so a removal leaves no
 * tombstone behind and never lengthens later probes.
 * <p>
 * One entry, little-endian, 8-byte aligned:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          Tag: 32-bit hash of the key, 0 when empty            |  0
 *  +---------------------------------------------------------------+
 *  |                       Value Length                            |  4
 *  +---------------------------------------------------------------+
 *  |           Key: key length bytes, padded to 8                 ...  8
 *  +---------------------------------------------------------------+
 *  |        Value: max value length bytes, padded to 8            ...  8 + align(key length, 8)
 *  +---------------------------------------------------------------+
 * </pre>
 * A key's home bucket is {@code tag & (bucket count - 1)}; the tag is never 0, so 0 marks an empty bucket. A long
 * key (key length 8) is stored as a little-endian long. Bytes of a value past its length are unspecified.
 */
public final class TableDescriptor
{
    /**
     * Offset of the tag in an entry.
     */
    public static final int TAG_OFFSET = 0;

    /**
     * Offset of the value length in an entry.
     */
    public static final int VALUE_LENGTH_OFFSET = TAG_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the key in an entry.
     */
    public static final int KEY_OFFSET = VALUE_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * Alignment of entries, keys and values.
     */
    public static final int ALIGNMENT = 8;

    /**
     * Longest key a store accepts.
     */
    public static final int MAX_KEY_LENGTH = 512;

    /**
     * Longest value a store accepts.
     */
    public static final int MAX_VALUE_LENGTH = 1 << 20;

    /**
     * Most buckets a table can have, bounded by the region's 2 GiB mapping.
     */
    public static final int MAX_BUCKET_COUNT = 1 << 30;

    /**
     * Highest ratio of entries to buckets at full capacity.
     */
    public static final double MAX_LOAD_FACTOR = 0.7;

    private TableDescriptor()
    {
    }

    /**
     * Offset of the value in an entry.
     *
     * @param keyLength fixed key length of the store.
     * @return offset of the value.
     */
    public static int valueOffset(final int keyLength)
    {
        return KEY_OFFSET + align(keyLength, ALIGNMENT);
    }

    /**
     * Length of one entry.
     *
     * @param keyLength      fixed key length of the store.
     * @param maxValueLength maximum value length of the store.
     * @return length of an entry.
     */
    public static int entryLength(final int keyLength, final int maxValueLength)
    {
        return valueOffset(keyLength) + align(maxValueLength, ALIGNMENT);
    }

    /**
     * Buckets for a capacity: the smallest power of two that keeps the load at or under {@link #MAX_LOAD_FACTOR}.
     *
     * @param capacity most entries the table must hold.
     * @return bucket count.
     */
    public static int bucketCount(final int capacity)
    {
        final long needed = (long)Math.ceil(capacity / MAX_LOAD_FACTOR) + 1;
        long buckets = 2;
        while (buckets < needed)
        {
            buckets <<= 1;
        }
        if (buckets > MAX_BUCKET_COUNT)
        {
            throw new IllegalArgumentException("capacity too large: capacity=" + capacity);
        }
        return (int)buckets;
    }

    /**
     * Length of the region: all buckets, padded to a whole page.
     *
     * @param bucketCount buckets in the table.
     * @param entryLength length of one entry.
     * @param pageSize    page size of the store.
     * @return region length.
     */
    public static long regionLength(final int bucketCount, final int entryLength, final int pageSize)
    {
        return align((long)bucketCount * entryLength, pageSize);
    }
}
