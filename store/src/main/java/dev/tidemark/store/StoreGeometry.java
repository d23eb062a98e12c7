/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * The fixed shape of a store, decided at creation and kept in its header.
 */
final class StoreGeometry
{
    final long storeId;
    final int kindCode;
    final int pageSize;
    final int keyLength;
    final int maxValueLength;
    final int capacity;
    final int entryLength;
    final int bucketCount;
    final long regionLength;
    final int pageCount;

    StoreGeometry(
        final long storeId,
        final int kindCode,
        final int pageSize,
        final int keyLength,
        final int maxValueLength,
        final int capacity,
        final int entryLength,
        final int bucketCount,
        final long regionLength)
    {
        this.storeId = storeId;
        this.kindCode = kindCode;
        this.pageSize = pageSize;
        this.keyLength = keyLength;
        this.maxValueLength = maxValueLength;
        this.capacity = capacity;
        this.entryLength = entryLength;
        this.bucketCount = bucketCount;
        this.regionLength = regionLength;
        this.pageCount = (int)(regionLength / pageSize);
    }

    static StoreGeometry forSettings(
        final long storeId,
        final StoreKind kind,
        final int pageSize,
        final int keyLength,
        final int maxValueLength,
        final int capacity)
    {
        final int entryLength = TableDescriptor.entryLength(keyLength, maxValueLength);
        final int bucketCount = TableDescriptor.bucketCount(capacity);
        final long regionLength = TableDescriptor.regionLength(bucketCount, entryLength, pageSize);
        if (regionLength > maxRegionLength(pageSize))
        {
            throw new IllegalArgumentException(
                "store too large: region length=" + regionLength + " exceeds max=" + maxRegionLength(pageSize) +
                " (capacity=" + capacity + ", keyLength=" + keyLength + ", maxValueLength=" + maxValueLength + ")");
        }
        return new StoreGeometry(
            storeId, kind.code(), pageSize, keyLength, maxValueLength, capacity, entryLength, bucketCount, regionLength);
    }

    /**
     * @return the kind, or null if the code is no kind's.
     */
    StoreKind kind()
    {
        return StoreKind.fromCode(kindCode);
    }

    static long maxRegionLength(final int pageSize)
    {
        return Integer.MAX_VALUE & ~(pageSize - 1L);
    }

    /**
     * Do the derived fields agree with the settings? A header whose CRC passes but whose shape does not follow from
     * its own settings was written by something else.
     */
    String inconsistency()
    {
        if (null == kind())
        {
            return "kind=" + kindCode + " is no store kind";
        }
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1)
        {
            return "pageSize=" + pageSize + " is not a power of two >= 512";
        }
        if (keyLength < 1 || keyLength > TableDescriptor.MAX_KEY_LENGTH)
        {
            return "keyLength=" + keyLength + " out of range";
        }
        if (maxValueLength < 0 || maxValueLength > TableDescriptor.MAX_VALUE_LENGTH)
        {
            return "maxValueLength=" + maxValueLength + " out of range";
        }
        if (capacity < 1)
        {
            return "capacity=" + capacity + " out of range";
        }
        final int expectedEntryLength = TableDescriptor.entryLength(keyLength, maxValueLength);
        final int expectedBuckets = TableDescriptor.bucketCount(capacity);
        final long expectedRegion = TableDescriptor.regionLength(expectedBuckets, expectedEntryLength, pageSize);
        if (entryLength != expectedEntryLength || bucketCount != expectedBuckets || regionLength != expectedRegion)
        {
            return "entryLength=" + entryLength + " bucketCount=" + bucketCount + " regionLength=" + regionLength +
                " do not follow from keyLength=" + keyLength + " maxValueLength=" + maxValueLength +
                " capacity=" + capacity;
        }
        return null;
    }

    public String toString()
    {
        return "storeId=" + Long.toHexString(storeId) + " kind=" + kind() + " keyLength=" + keyLength + " maxValueLength=" +
            maxValueLength + " capacity=" + capacity + " pageSize=" + pageSize + " bucketCount=" + bucketCount +
            " entryLength=" + entryLength + " regionLength=" + regionLength;
    }
}
