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
    static final int OPEN = 0;
    static final int CLOSED = 1;
    static final int BROKEN = 2;

    private final UnsafeBuffer block;
    private final boolean enabled;
    private final int pageShift;
    private final int stripeMask;
    private long moves;
    private long size;
    private boolean handedOut;
    // OPEN, or why readers refuse: one volatile load per check on the readers' side.
    private volatile int state = OPEN;

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
        state = CLOSED;
    }

    /**
     * @return {@link #OPEN}, {@link #CLOSED} or {@link #BROKEN}.
     */
    int state()
    {
        return state;
    }

    UnsafeBuffer block()
    {
        return block;
    }

    /**
     * Mark the entry at {@code offset} being written: before its first store. Every write of an entry starts at the
     * entry's offset, so the stamp of the page it starts on covers every write to it.
     */
    void beginWrite(final int offset)
    {
        if (enabled)
        {
            final int stamp = ReaderBlockDescriptor.stampOffset(offset, pageShift, stripeMask);
            block.putLong(stamp, block.getLong(stamp) + 1);
            VarHandle.storeStoreFence();
        }
    }

    /**
     * Mark the same entry written: after its last store.
     */
    void endWrite(final int offset)
    {
        if (enabled)
        {
            final int stamp = ReaderBlockDescriptor.stampOffset(offset, pageShift, stripeMask);
            block.putLongRelease(stamp, block.getLong(stamp) + 1);
        }
    }

    /**
     * The writer failed in the middle of changing the table (a removal's shift cut short): the table may be
     * inconsistent, and a stamp or the moves counter may stay odd, so readers refuse from now on instead of
     * spinning.
     */
    void markBroken()
    {
        state = BROKEN;
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
