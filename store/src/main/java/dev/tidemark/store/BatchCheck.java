/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;

/**
 * The checks a batch passes before {@link StateStore#apply(StoreBatch)} changes anything: its shape against the
 * store's geometry, and room in the table at every step. Writer thread; allocates nothing unless a check fails.
 */
final class BatchCheck
{
    private BatchCheck()
    {
    }

    /**
     * Check a batch whole against a store's geometry before anything is changed: one pass over its operations.
     */
    static void checkShape(
        final StoreBatch batch, final int keyLength, final int maxValueLength, final int maxBatchOperations)
    {
        ArgumentChecks.checkNotNull(batch, "batch");
        if (batch.keyLength() != keyLength || batch.maxValueLength() != maxValueLength)
        {
            throw new IllegalArgumentException("batch built for another store: batch keyLength=" +
                batch.keyLength() + " maxValueLength=" + batch.maxValueLength() + ", store keyLength=" + keyLength +
                " maxValueLength=" + maxValueLength + " (make batches with this store's newBatch)");
        }
        if (batch.operationCount() > maxBatchOperations)
        {
            throw new IllegalArgumentException("batch too long for this store: operations=" + batch.operationCount() +
                " maxBatchOperations=" + maxBatchOperations);
        }
        if (!batch.isWrapped())
        {
            return; // encoded by its own put and remove methods, each operation checked against this shape then
        }
        final int count = StoreBatch.validate(
            batch.buffer(), batch.offset(), batch.length(), keyLength, maxValueLength, maxBatchOperations);
        if (count != batch.operationCount())
        {
            throw new IllegalArgumentException("batch operation count changed: operations=" + count + " expected=" +
                batch.operationCount() + " (its bytes changed after they were wrapped)");
        }
    }

    /**
     * Check that the table has room for a batch at every step of it, taking each key's presence from its last
     * earlier operation in the batch, else from the table.
     */
    static void checkRoom(
        final HashTable table, final StoreBatch batch, final int size, final int capacity, final int keyLength)
    {
        final int puts = batch.operationCount();
        if (size + puts <= capacity)
        {
            return;
        }

        // Near full: walk the batch, each key's presence taken from its last earlier operation in the batch, else
        // from the table. Quadratic in the batch length, and only when the table is nearly full.
        final DirectBuffer buffer = batch.buffer();
        final int start = batch.offset();
        final int end = start + batch.length();
        int running = size;
        int index = 0;
        for (int at = start; at < end; index++)
        {
            final int type = StoreBatch.operationType(buffer, at);
            final int valueLength = StoreBatch.operationValueLength(buffer, at);
            final int keyAt = at + BatchDescriptor.KEY_OFFSET;
            final boolean present = presentBefore(table, buffer, start, at, keyAt, keyLength);
            if (BatchDescriptor.PUT == type && !present)
            {
                if (++running > capacity)
                {
                    throw new IllegalStateException("table full: batch operation " + index + " would exceed " +
                        "capacity=" + capacity + " (size=" + size + "), nothing applied");
                }
            }
            else if (BatchDescriptor.REMOVE == type && present)
            {
                running--;
            }
            at += BatchDescriptor.operationLength(keyLength, type, valueLength);
        }
    }

    private static boolean presentBefore(
        final HashTable table,
        final DirectBuffer buffer,
        final int start,
        final int limit,
        final int keyAt,
        final int keyLength)
    {
        boolean present = table.probe(buffer, keyAt) >= 0;
        for (int at = start; at < limit; )
        {
            final int type = StoreBatch.operationType(buffer, at);
            if (keysEqual(buffer, at + BatchDescriptor.KEY_OFFSET, keyAt, keyLength))
            {
                present = BatchDescriptor.PUT == type;
            }
            at += BatchDescriptor.operationLength(keyLength, type, StoreBatch.operationValueLength(buffer, at));
        }
        return present;
    }

    private static boolean keysEqual(final DirectBuffer buffer, final int a, final int b, final int keyLength)
    {
        for (int i = 0; i < keyLength; i++)
        {
            if (buffer.getByte(a + i) != buffer.getByte(b + i))
            {
                return false;
            }
        }
        return true;
    }
}
