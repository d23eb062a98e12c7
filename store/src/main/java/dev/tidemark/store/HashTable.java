/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

import static dev.tidemark.store.TableDescriptor.KEY_OFFSET;
import static dev.tidemark.store.TableDescriptor.TAG_OFFSET;
import static dev.tidemark.store.TableDescriptor.VALUE_LENGTH_OFFSET;

/**
 * The open-addressing table in the live region (see {@link TableDescriptor}): linear probing, backward-shift
 * deletion. Every write goes through the {@link PageTracker} first. Writer thread only; no validation here, the
 * store validates before calling.
 */
final class HashTable
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final UnsafeBuffer region;
    private final PageTracker tracker;
    private final ReaderStamps stamps;
    private final int mask;
    private final int entryLength;
    private final int keyLength;
    private final int valueOffset;

    HashTable(
        final UnsafeBuffer region, final PageTracker tracker, final ReaderStamps stamps, final StoreGeometry geometry)
    {
        this.region = region;
        this.tracker = tracker;
        this.stamps = stamps;
        this.mask = geometry.bucketCount - 1;
        this.entryLength = geometry.entryLength;
        this.keyLength = geometry.keyLength;
        this.valueOffset = TableDescriptor.valueOffset(geometry.keyLength);
    }

    int valueOffset()
    {
        return valueOffset;
    }

    int bucketCount()
    {
        return mask + 1;
    }

    int entryLength()
    {
        return entryLength;
    }

    /**
     * Probe for a long key.
     *
     * @return the entry's offset if present, else {@code -(offset of the empty bucket it would go in) - 1}.
     */
    int probe(final long key)
    {
        final int tag = KeyHash.tag(key);
        int bucket = tag & mask;
        while (true)
        {
            final int offset = bucket * entryLength;
            final int entryTag = region.getInt(offset + TAG_OFFSET, ORDER);
            if (0 == entryTag)
            {
                return -offset - 1;
            }
            if (entryTag == tag && region.getLong(offset + KEY_OFFSET, ORDER) == key)
            {
                return offset;
            }
            bucket = (bucket + 1) & mask;
        }
    }

    /**
     * Probe for a byte key of the store's key length.
     *
     * @return as {@link #probe(long)}.
     */
    int probe(final DirectBuffer key, final int keyOffset)
    {
        final int tag = KeyHash.tag(key, keyOffset, keyLength);
        int bucket = tag & mask;
        while (true)
        {
            final int offset = bucket * entryLength;
            final int entryTag = region.getInt(offset + TAG_OFFSET, ORDER);
            if (0 == entryTag)
            {
                return -offset - 1;
            }
            if (entryTag == tag && keyEquals(offset, key, keyOffset))
            {
                return offset;
            }
            bucket = (bucket + 1) & mask;
        }
    }

    private boolean keyEquals(final int entryOffset, final DirectBuffer key, final int keyOffset)
    {
        return keyEquals(region, entryOffset, key, keyOffset, keyLength);
    }

    /**
     * Whether the key of the entry at {@code entryOffset} of {@code region} equals a byte key: eight bytes at a time,
     * then the rest. Shared by the writer's probe and the readers'.
     */
    static boolean keyEquals(
        final DirectBuffer region, final int entryOffset, final DirectBuffer key, final int keyOffset,
        final int keyLength)
    {
        final int base = entryOffset + KEY_OFFSET;
        final int keyWordsEnd = keyLength & ~7;
        int i = 0;
        for (; i < keyWordsEnd; i += 8)
        {
            if (region.getLong(base + i, ORDER) != key.getLong(keyOffset + i, ORDER))
            {
                return false;
            }
        }
        for (; i < keyLength; i++)
        {
            if (region.getByte(base + i) != key.getByte(keyOffset + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Read the tag of a key's home bucket and nothing else: a load whose only purpose is to bring that bucket into
     * the cache before the key is written. Several of these issued back to back overlap their cache misses.
     */
    int prefetch(final DirectBuffer key, final int keyOffset)
    {
        final int bucket = KeyHash.tag(key, keyOffset, keyLength) & mask;
        return region.getInt(bucket * entryLength + TAG_OFFSET, ORDER);
    }

    int valueLength(final int entryOffset)
    {
        return region.getInt(entryOffset + VALUE_LENGTH_OFFSET, ORDER);
    }

    /**
     * Write a new long-key entry into the empty bucket at {@code offset}.
     */
    void insert(final int offset, final long key, final DirectBuffer value, final int valueIndex, final int length)
    {
        tracker.beforeWrite(offset, valueOffset + length);
        stamps.beginWrite(offset);
        region.putLong(offset + KEY_OFFSET, key, ORDER);
        region.putBytes(offset + valueOffset, value, valueIndex, length);
        region.putInt(offset + VALUE_LENGTH_OFFSET, length, ORDER);
        region.putInt(offset + TAG_OFFSET, KeyHash.tag(key), ORDER);
        stamps.endWrite(offset);
        stamps.sizeDelta(1);
    }

    /**
     * Write a new byte-key entry into the empty bucket at {@code offset}.
     */
    void insert(
        final int offset,
        final DirectBuffer key,
        final int keyOffset,
        final DirectBuffer value,
        final int valueIndex,
        final int length)
    {
        tracker.beforeWrite(offset, valueOffset + length);
        stamps.beginWrite(offset);
        region.putBytes(offset + KEY_OFFSET, key, keyOffset, keyLength);
        region.putBytes(offset + valueOffset, value, valueIndex, length);
        region.putInt(offset + VALUE_LENGTH_OFFSET, length, ORDER);
        region.putInt(offset + TAG_OFFSET, KeyHash.tag(key, keyOffset, keyLength), ORDER);
        stamps.endWrite(offset);
        stamps.sizeDelta(1);
    }

    /**
     * Replace the value of the entry at {@code offset}.
     */
    void replace(final int offset, final DirectBuffer value, final int valueIndex, final int length)
    {
        tracker.beforeWrite(offset + VALUE_LENGTH_OFFSET, valueOffset - VALUE_LENGTH_OFFSET + length);
        stamps.beginWrite(offset);
        region.putBytes(offset + valueOffset, value, valueIndex, length);
        region.putInt(offset + VALUE_LENGTH_OFFSET, length, ORDER);
        stamps.endWrite(offset);
    }

    /**
     * Remove the entry at {@code offset}, then shift later entries of its probe run back so that no tombstone is
     * left and every remaining key stays reachable from its home bucket.
     */
    void delete(final int offset)
    {
        stamps.beginMove();
        try
        {
            shiftBack(offset);
        }
        catch (final RuntimeException | Error ex)
        {
            stamps.markBroken(); // cut short: the moves counter stays odd and the run may be half shifted
            throw ex;
        }
        stamps.endMove();
        stamps.sizeDelta(-1);
    }

    private void shiftBack(final int offset)
    {
        int hole = offset / entryLength;
        int bucket = (hole + 1) & mask;
        while (true)
        {
            final int entryOffset = bucket * entryLength;
            final int tag = region.getInt(entryOffset + TAG_OFFSET, ORDER);
            if (0 == tag)
            {
                break;
            }
            final int home = tag & mask;
            if (((bucket - home) & mask) >= ((bucket - hole) & mask))
            {
                final int holeOffset = hole * entryLength;
                final int length = valueOffset + region.getInt(entryOffset + VALUE_LENGTH_OFFSET, ORDER);
                tracker.beforeWrite(holeOffset, length);
                region.putBytes(holeOffset, region, entryOffset, length);
                hole = bucket;
            }
            bucket = (bucket + 1) & mask;
        }
        final int holeOffset = hole * entryLength;
        tracker.beforeWrite(holeOffset + TAG_OFFSET, 4);
        region.putInt(holeOffset + TAG_OFFSET, 0, ORDER);
    }

    /**
     * Visit every entry in bucket order, its key and value wrapped by the views given.
     */
    void forEach(final EntryConsumer consumer, final UnsafeBuffer keyView, final UnsafeBuffer valueView)
    {
        final int bucketCount = mask + 1;
        final long address = region.addressOffset();
        for (int bucket = 0; bucket < bucketCount; bucket++)
        {
            final int offset = bucket * entryLength;
            if (0 != region.getInt(offset + TAG_OFFSET, ORDER))
            {
                keyView.wrap(address + offset + KEY_OFFSET, keyLength);
                consumer.accept(keyView, wrapValue(offset, valueView));
            }
        }
    }

    /**
     * Visit every entry of a table of long keys in bucket order, its value wrapped by the view given.
     */
    void forEachLong(final LongEntryConsumer consumer, final UnsafeBuffer valueView)
    {
        final int bucketCount = mask + 1;
        for (int bucket = 0; bucket < bucketCount; bucket++)
        {
            final int offset = bucket * entryLength;
            if (0 != region.getInt(offset + TAG_OFFSET, ORDER))
            {
                consumer.accept(region.getLong(offset + KEY_OFFSET, ORDER), wrapValue(offset, valueView));
            }
        }
    }

    private UnsafeBuffer wrapValue(final int entryOffset, final UnsafeBuffer valueView)
    {
        valueView.wrap(region.addressOffset() + entryOffset + valueOffset, valueLength(entryOffset));
        return valueView;
    }

    int tagAt(final int offset)
    {
        return region.getInt(offset + TAG_OFFSET, ORDER);
    }
}
