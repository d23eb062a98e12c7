/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

import static dev.tidemark.store.ReaderBlockDescriptor.MAGIC;
import static dev.tidemark.store.ReaderBlockDescriptor.MAGIC_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.MOVES_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.PAGE_SHIFT_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.SIZE_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.STRIPE_COUNT_OFFSET;

/**
 * The writer's half of the reader protocol ({@link ReaderBlockDescriptor}): the table calls {@link #beginWrite} and
 * {@link #endWrite} around every entry it writes, and {@link #beginMove} and {@link #endMove} around a removal's
 * backward shift. With readers off ({@link StoreContext#concurrentReaders(boolean)}) each call is one predictable
 * branch. Writer thread only.
 */
final class ReaderStamps
{
    private final UnsafeBuffer block;
    private final boolean enabled;
    private final int pageShift;
    private final int stripeMask;
    private long moves;
    private long size;
    private boolean handedOut;
    private volatile boolean storeClosed;

    /**
     * Write the block's header and zero its counters (the open zeroed the file's block before this).
     */
    ReaderStamps(final UnsafeBuffer block, final StoreGeometry geometry, final long size, final boolean enabled)
    {
        this.block = block;
        this.enabled = enabled;
        this.pageShift = Integer.numberOfTrailingZeros(geometry.pageSize);
        final int stripes = ReaderBlockDescriptor.stripeCount(geometry.pageCount);
        this.stripeMask = stripes - 1;
        this.size = size;
        block.putInt(STRIPE_COUNT_OFFSET, stripes);
        block.putInt(PAGE_SHIFT_OFFSET, pageShift);
        block.putLong(MOVES_OFFSET, 0);
        block.putLongRelease(SIZE_OFFSET, size);
        block.putIntRelease(MAGIC_OFFSET, enabled ? MAGIC : 0);
    }

    boolean enabled()
    {
        return enabled;
    }

    /**
     * A reader was made: the store must then leave its mappings to the garbage collector on close.
     */
    void markHandedOut()
    {
        handedOut = true;
    }

    boolean handedOut()
    {
        return handedOut;
    }

    /**
     * The store closed: readers refuse every call from now on.
     */
    void markStoreClosed()
    {
        storeClosed = true;
    }

    boolean isStoreClosed()
    {
        return storeClosed;
    }

    UnsafeBuffer block()
    {
        return block;
    }

    /**
     * Mark the pages of {@code [offset, offset + length)} of the table being written: before the first store.
     */
    void beginWrite(final int offset, final int length)
    {
        if (enabled)
        {
            final int first = ReaderBlockDescriptor.stampOffset(offset, pageShift, stripeMask);
            final int last = ReaderBlockDescriptor.stampOffset(offset + length - 1, pageShift, stripeMask);
            block.putLong(first, block.getLong(first) + 1);
            if (last != first)
            {
                block.putLong(last, block.getLong(last) + 1);
            }
            VarHandle.storeStoreFence();
        }
    }

    /**
     * Mark the same range written: after the last store.
     */
    void endWrite(final int offset, final int length)
    {
        if (enabled)
        {
            final int first = ReaderBlockDescriptor.stampOffset(offset, pageShift, stripeMask);
            final int last = ReaderBlockDescriptor.stampOffset(offset + length - 1, pageShift, stripeMask);
            if (last != first)
            {
                block.putLongRelease(last, block.getLong(last) + 1);
            }
            block.putLongRelease(first, block.getLong(first) + 1);
        }
    }

    /**
     * A removal begins: entries may move until {@link #endMove()}.
     */
    void beginMove()
    {
        if (enabled)
        {
            block.putLong(MOVES_OFFSET, ++moves);
            VarHandle.storeStoreFence();
        }
    }

    /**
     * The removal's shift is done.
     */
    void endMove()
    {
        if (enabled)
        {
            block.putLongRelease(MOVES_OFFSET, ++moves);
        }
    }

    /**
     * @param delta the change in the entry count: +1 for an insert, -1 for a removal.
     */
    void sizeDelta(final int delta)
    {
        if (enabled)
        {
            size += delta;
            block.putLongRelease(SIZE_OFFSET, size);
        }
    }
}
