/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static dev.tidemark.store.BatchDescriptor.KEY_OFFSET;
import static dev.tidemark.store.BatchDescriptor.PUT;
import static dev.tidemark.store.BatchDescriptor.REMOVE;
import static dev.tidemark.store.BatchDescriptor.TYPE_OFFSET;
import static dev.tidemark.store.BatchDescriptor.VALUE_LENGTH_OFFSET;

/**
 * The one encoder of operations in the {@link BatchDescriptor} layout: a {@link StoreBatch} builds its operations
 * with it, and a durable store encodes each single put or remove with it straight into the change stream's claimed
 * space, so a single operation and a batch of one are the same bytes.
 * <p>
 * It writes, it does not check: the caller has checked the key and value against the store (see
 * {@link ArgumentChecks}) and made room for {@link BatchDescriptor#operationLength(int, int, int)} bytes at
 * {@code at}. Padding bytes are left as they are. Stateless; any thread.
 */
public final class OperationEncoder
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private OperationEncoder()
    {
    }

    /**
     * Encode a put of a long key.
     *
     * @param buffer      to write into.
     * @param at          offset of the operation.
     * @param keyLength   key length of the store (8).
     * @param key         the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value.
     * @return the operation's length, aligned.
     */
    public static int putLong(
        final MutableDirectBuffer buffer,
        final int at,
        final int keyLength,
        final long key,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength)
    {
        writeHeader(buffer, at, PUT, valueLength);
        buffer.putLong(at + KEY_OFFSET, key, ORDER);
        buffer.putBytes(at + BatchDescriptor.valueOffset(keyLength), value, valueOffset, valueLength);
        return BatchDescriptor.operationLength(keyLength, PUT, valueLength);
    }

    /**
     * Encode a put of a byte key.
     *
     * @param buffer      to write into.
     * @param at          offset of the operation.
     * @param keyLength   key length of the store.
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value.
     * @return the operation's length, aligned.
     */
    public static int put(
        final MutableDirectBuffer buffer,
        final int at,
        final int keyLength,
        final DirectBuffer key,
        final int keyOffset,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength)
    {
        writeHeader(buffer, at, PUT, valueLength);
        buffer.putBytes(at + KEY_OFFSET, key, keyOffset, keyLength);
        buffer.putBytes(at + BatchDescriptor.valueOffset(keyLength), value, valueOffset, valueLength);
        return BatchDescriptor.operationLength(keyLength, PUT, valueLength);
    }

    /**
     * Encode a remove of a long key.
     *
     * @param buffer    to write into.
     * @param at        offset of the operation.
     * @param keyLength key length of the store (8).
     * @param key       the key.
     * @return the operation's length, aligned.
     */
    public static int removeLong(final MutableDirectBuffer buffer, final int at, final int keyLength, final long key)
    {
        writeHeader(buffer, at, REMOVE, 0);
        buffer.putLong(at + KEY_OFFSET, key, ORDER);
        return BatchDescriptor.operationLength(keyLength, REMOVE, 0);
    }

    /**
     * Encode a remove of a byte key.
     *
     * @param buffer    to write into.
     * @param at        offset of the operation.
     * @param keyLength key length of the store.
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @return the operation's length, aligned.
     */
    public static int remove(
        final MutableDirectBuffer buffer, final int at, final int keyLength, final DirectBuffer key, final int keyOffset)
    {
        writeHeader(buffer, at, REMOVE, 0);
        buffer.putBytes(at + KEY_OFFSET, key, keyOffset, keyLength);
        return BatchDescriptor.operationLength(keyLength, REMOVE, 0);
    }

    private static void writeHeader(final MutableDirectBuffer buffer, final int at, final int type, final int valueLength)
    {
        buffer.putInt(at + TYPE_OFFSET, type, ORDER);
        buffer.putInt(at + VALUE_LENGTH_OFFSET, valueLength, ORDER);
    }
}
