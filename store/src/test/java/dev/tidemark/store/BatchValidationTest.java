/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A batch is checked whole against this store's geometry before anything is touched: a batch built by another store
 * and encoded operations that are malformed (wrapped from message bytes, or changed after the wrap) are refused with
 * a clear message, the state and every file byte unchanged, and later checkpoints still work.
 * <p>
 * The store has 1024 buckets of 80 bytes, exactly 20 pages, so the last bucket ends at the region's end.
 */
class BatchValidationTest
{
    private static final int CAPACITY = 700;
    private static final int MAX_VALUE = 64;
    private static final int FOREIGN_MAX_VALUE = 256;

    @TempDir
    File dir;

    @TempDir
    File otherDir;

    private final Map<Long, byte[]> model = new HashMap<>();
    private StateStore store;
    private long lastBucketKey;
    private long middleBucketKey;

    @BeforeEach
    void openStoreWithEntries()
    {
        store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE));
        final int bucketCount = TableDescriptor.bucketCount(CAPACITY);
        assertEquals(store.regionLength(), (long)bucketCount * TableDescriptor.entryLength(8, MAX_VALUE));
        lastBucketKey = keyWithHomeBucket(bucketCount - 1, bucketCount);
        middleBucketKey = keyWithHomeBucket(bucketCount / 2, bucketCount);
        for (long key = 0; key < 300; key++)
        {
            if (key != lastBucketKey && key != middleBucketKey)
            {
                put(key, 1, 1 + (int)(key % MAX_VALUE));
            }
        }
        store.logPosition(300);
        store.checkpointAndAwait();
    }

    @AfterEach
    void closeStore()
    {
        store.closeWithoutCheckpoint();
    }

    @Test
    void shouldRefuseBatchOfStoreWithLargerMaxValueNearRegionEndAndChangeNothing() throws IOException
    {
        try (StateStore foreign = StateStore.open(Fixtures.context(otherDir, CAPACITY, FOREIGN_MAX_VALUE)))
        {
            final StoreBatch batch = foreign.newBatch()
                .put(5L, Fixtures.value(5, 9, 8), 0, 8)
                .put(lastBucketKey, Fixtures.value(lastBucketKey, 9, 200), 0, 200);
            refuses("batch built for another store: batch keyLength=8 maxValueLength=256, store keyLength=8 " +
                "maxValueLength=64", () -> store.apply(batch));
            refuses("batch built for another store", () -> store.checkApplicable(batch));
        }
        assertLaterCheckpointsWork();
    }

    @Test
    void shouldRefuseBatchOfStoreWithLargerMaxValueInTheMiddleAndChangeNothing() throws IOException
    {
        try (StateStore foreign = StateStore.open(Fixtures.context(otherDir, CAPACITY, FOREIGN_MAX_VALUE)))
        {
            final StoreBatch batch = foreign.newBatch()
                .put(middleBucketKey, Fixtures.value(middleBucketKey, 9, 200), 0, 200);
            refuses("batch built for another store", () -> store.apply(batch));
        }
        assertLaterCheckpointsWork();
    }

    @Test
    void shouldRefuseBatchOfStoreWithOtherKeyLength() throws IOException
    {
        try (StateStore foreign = StateStore.open(new StoreContext().dir(otherDir).keyLength(16)
            .maxValueLength(MAX_VALUE).capacity(CAPACITY).errorHandler(Fixtures.IGNORED::add)))
        {
            final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
            final StoreBatch batch = foreign.newBatch().remove(key, 0);
            refuses("batch built for another store: batch keyLength=16 maxValueLength=64, store keyLength=8",
                () -> store.apply(batch));
            refuses("batch built for another store", () -> store.checkApplicable(batch));
        }
        assertLaterCheckpointsWork();
    }

    @Test
    void shouldRefuseWrappedBytesThatAreMalformedWithoutChangingAnything() throws IOException
    {
        final StoreBatch batch = store.newBatch();
        final int put = BatchDescriptor.operationLength(8, BatchDescriptor.PUT, 8);
        final int remove = BatchDescriptor.operationLength(8, BatchDescriptor.REMOVE, 0);
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[1024]);

        // A truncated operation: the length ends inside the second operation's key.
        encode(bytes, 5L, lastBucketKey);
        refuses("batch truncated", () -> batch.wrap(bytes, 0, put + remove - 4));

        // A bad type.
        encode(bytes, 5L, lastBucketKey);
        bytes.putInt(put + BatchDescriptor.TYPE_OFFSET, 9);
        refuses("malformed batch operation at offset=" + put + ": type=9", () -> batch.wrap(bytes, 0, put + remove));

        // A value length over this store's maximum, in the last bucket.
        encode(bytes, lastBucketKey, 7L);
        bytes.putInt(BatchDescriptor.VALUE_LENGTH_OFFSET, 200);
        refuses("valueLength=200", () -> batch.wrap(bytes, 0, 1024));

        // A length running past the end of the buffer.
        encode(bytes, 5L, 7L);
        refuses("batch out of buffer bounds", () -> batch.wrap(bytes, 1000, 48));
        // Well-formed, but not as many operations as their carrier says.
        encode(bytes, 5L, 7L);
        refuses("batch operation count mismatch: operations=2 expected=3", () -> batch.wrap(bytes, 0, 40, 3));
        assertEquals(0, batch.operationCount(), "a refused wrap leaves the batch as it was");
        assertEquals(2, batch.wrap(bytes, 0, 40, 2).operationCount());
        assertLaterCheckpointsWork();
    }

    @Test
    void shouldRefuseOperationsChangedAfterWrapBeforeAnythingIsApplied() throws IOException
    {
        final StoreBatch batch = store.newBatch();
        final int put = BatchDescriptor.operationLength(8, BatchDescriptor.PUT, 8);
        final int remove = BatchDescriptor.operationLength(8, BatchDescriptor.REMOVE, 0);
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[put + remove]);

        // Second operation's type spoiled: the first must not be applied, nor the second read as a remove.
        encode(bytes, 5L, 6L);
        batch.wrap(bytes, 0, put + remove);
        bytes.putInt(put + BatchDescriptor.TYPE_OFFSET, 9);
        refuses("malformed batch operation at offset=" + put + ": type=9", () -> store.apply(batch));
        refuses("malformed batch operation at offset=" + put + ": type=9", () -> store.checkApplicable(batch));

        // A value length over this store's maximum at the region's end.
        encode(bytes, 5L, 6L);
        bytes.putLong(BatchDescriptor.KEY_OFFSET, lastBucketKey);
        batch.wrap(bytes, 0, put + remove);
        bytes.putInt(BatchDescriptor.VALUE_LENGTH_OFFSET, MAX_VALUE + 8);
        refuses("valueLength=72", () -> store.apply(batch));

        // The first operation's length overruns the batch.
        encode(bytes, 5L, 6L);
        batch.wrap(bytes, 0, put + remove);
        bytes.putInt(BatchDescriptor.VALUE_LENGTH_OFFSET, MAX_VALUE);
        refuses("batch truncated: operation at offset=0", () -> store.apply(batch));

        // Lengths that still sum to the batch length but make one operation of two.
        encode(bytes, 5L, 6L);
        batch.wrap(bytes, 0, put + remove);
        bytes.putInt(BatchDescriptor.VALUE_LENGTH_OFFSET, 8 + remove);
        refuses("batch operation count changed: operations=1 expected=2", () -> store.apply(batch));
        refuses("batch operation count changed", () -> store.checkApplicable(batch));

        // A remove that claims a value.
        encode(bytes, 5L, 6L);
        batch.wrap(bytes, 0, put + remove);
        bytes.putInt(put + BatchDescriptor.VALUE_LENGTH_OFFSET, 8);
        refuses("malformed batch operation at offset=" + put, () -> store.apply(batch));

        // Restored, the same bytes apply.
        encode(bytes, 5L, 6L);
        batch.wrap(bytes, 0, put + remove);
        store.apply(batch);
        model.put(5L, Fixtures.bytes(Fixtures.value(5, 3, 8), 0, 8));
        model.remove(6L);
        Fixtures.assertStoreEquals(model, store, "after the well-formed batch");
        assertLaterCheckpointsWork();
    }

    private static void encode(final UnsafeBuffer bytes, final long putKey, final long removeKey)
    {
        final int put = BatchDescriptor.operationLength(8, BatchDescriptor.PUT, 8);
        bytes.setMemory(0, bytes.capacity(), (byte)0);
        bytes.putInt(BatchDescriptor.TYPE_OFFSET, BatchDescriptor.PUT);
        bytes.putInt(BatchDescriptor.VALUE_LENGTH_OFFSET, 8);
        bytes.putLong(BatchDescriptor.KEY_OFFSET, putKey);
        bytes.putBytes(BatchDescriptor.valueOffset(8), Fixtures.value(5, 3, 8), 0, 8);
        bytes.putInt(put + BatchDescriptor.TYPE_OFFSET, BatchDescriptor.REMOVE);
        bytes.putInt(put + BatchDescriptor.VALUE_LENGTH_OFFSET, 0);
        bytes.putLong(put + BatchDescriptor.KEY_OFFSET, removeKey);
    }

    private void refuses(final String message, final Executable call) throws IOException
    {
        final Map<String, Long> before = Fixtures.digest(dir);
        final long sequence = store.lastSequence();
        final Throwable thrown = assertThrows(IllegalArgumentException.class, call);
        assertTrue(thrown.getMessage().contains(message), "expected '" + message + "' in: " + thrown.getMessage());
        assertEquals(sequence, store.lastSequence(), message);
        Fixtures.assertStoreEquals(model, store, message);
        assertEquals(before, Fixtures.digest(dir), "files changed by: " + message);
    }

    private void assertLaterCheckpointsWork()
    {
        put(lastBucketKey, 2, MAX_VALUE);
        put(middleBucketKey, 2, MAX_VALUE);
        store.logPosition(400);
        store.checkpointAndAwait();
        put(7L, 3, 9);
        store.checkpointAndAwait();
        store.closeWithoutCheckpoint();
        try (StateStore reopened = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            Fixtures.assertStoreEquals(model, reopened, "reopened after the refusals");
        }
    }

    private void put(final long key, final long version, final int length)
    {
        final UnsafeBuffer value = Fixtures.value(key, version, length);
        store.put(key, value, 0, length);
        model.put(key, Fixtures.bytes(value, 0, length));
    }

    private static long keyWithHomeBucket(final int bucket, final int bucketCount)
    {
        for (long key = 1_000_000; ; key++)
        {
            if ((KeyHash.tag(key) & (bucketCount - 1)) == bucket)
            {
                return key;
            }
        }
    }
}
