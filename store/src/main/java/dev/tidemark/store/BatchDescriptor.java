/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.align;

/**
 * Layout of the operations of a {@link StoreBatch}: a run of operations back to back, each 8-byte aligned, in the
 * order they apply. The change stream carries a batch in exactly this form, so replay applies the message's bytes
 * without copying them. Little-endian. One operation:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                Operation Type (1: put, 2: remove)             |  0
 *  +---------------------------------------------------------------+
 *  |                Value Length (0 for a remove)                  |  4
 *  +---------------------------------------------------------------+
 *  |           Key: key length bytes, padded to 8                 ...  8
 *  +---------------------------------------------------------------+
 *  |     Value: value length bytes, padded to 8 (puts only)       ...  8 + align(key length, 8)
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class BatchDescriptor
{
    /**
     * Operation type of a put.
     */
    public static final int PUT = 1;

    /**
     * Operation type of a remove.
     */
    public static final int REMOVE = 2;

    /**
     * Offset of the operation type.
     */
    public static final int TYPE_OFFSET = 0;

    /**
     * Offset of the value length.
     */
    public static final int VALUE_LENGTH_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the key.
     */
    public static final int KEY_OFFSET = VALUE_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * Alignment of operations, keys and values.
     */
    public static final int ALIGNMENT = 8;

    private BatchDescriptor()
    {
    }

    /**
     * Offset of the value in an operation.
     *
     * @param keyLength key length of the store.
     * @return offset of the value.
     */
    public static int valueOffset(final int keyLength)
    {
        return KEY_OFFSET + align(keyLength, ALIGNMENT);
    }

    /**
     * Length of one operation.
     *
     * @param keyLength   key length of the store.
     * @param type        {@link #PUT} or {@link #REMOVE}.
     * @param valueLength length of the value of a put.
     * @return length of the operation, aligned.
     */
    public static int operationLength(final int keyLength, final int type, final int valueLength)
    {
        return valueOffset(keyLength) + (PUT == type ? align(valueLength, ALIGNMENT) : 0);
    }
}
