/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

import static dev.tidemark.store.ReaderBlockDescriptor.MAGIC;
import static dev.tidemark.store.ReaderBlockDescriptor.MAGIC_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.BROKEN;
import static dev.tidemark.store.ReaderBlockDescriptor.CLOSED;
import static dev.tidemark.store.ReaderBlockDescriptor.DURABLE_POSITION_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.MOVES_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.NOT_READY;
import static dev.tidemark.store.ReaderBlockDescriptor.OPEN;
import static dev.tidemark.store.ReaderBlockDescriptor.POSITION_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.PAGE_SHIFT_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.SIZE_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.STORE_ID_TRAILER_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.STATUS_TRAILER_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.STRIPE_COUNT_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.TRAILER_MAGIC;
import static dev.tidemark.store.ReaderBlockDescriptor.TRAILER_MAGIC_TRAILER_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.WRITER_PID_TRAILER_OFFSET;

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
    private final int statusOffset;
    private final long generation;
    private long moves;
    private long size;
    private boolean handedOut;

    /**
     * Write the block's header, trailer and counters (the open zeroed the file's block before this), the status
     * {@link ReaderBlockDescriptor#NOT_READY} until {@link #admit()}.
     *
     * @param generation this open's generation of the file (one more than the last open's).
     */
    ReaderStamps(
        final UnsafeBuffer block,
        final StoreGeometry geometry,
        final long size,
        final boolean enabled,
        final long generation,
        final long directoryInode)
    {
        this.block = block;
        this.enabled = enabled;
        this.generation = generation;
        this.pageShift = Integer.numberOfTrailingZeros(geometry.pageSize);
        final int stripes = ReaderBlockDescriptor.stripeCount(geometry.pageCount);
        this.stripeMask = stripes - 1;
        this.size = size;
        final int trailer = ReaderBlockDescriptor.trailerOffset(block.capacity());
        this.statusOffset = trailer + STATUS_TRAILER_OFFSET;
        block.putLongVolatile(statusOffset, ReaderBlockDescriptor.status(generation, NOT_READY));
        block.putInt(STRIPE_COUNT_OFFSET, stripes);
        block.putInt(PAGE_SHIFT_OFFSET, pageShift);
        block.putLong(MOVES_OFFSET, 0);
        block.putLong(POSITION_OFFSET, 0);
        block.putLong(DURABLE_POSITION_OFFSET, 0);
        block.putLongRelease(SIZE_OFFSET, size);
        block.putLong(trailer + STORE_ID_TRAILER_OFFSET, geometry.storeId);
        block.putLong(trailer + WRITER_PID_TRAILER_OFFSET, ProcessHandle.current().pid());
        block.putLong(trailer + ReaderBlockDescriptor.DIRECTORY_INODE_TRAILER_OFFSET, directoryInode);
        block.putInt(trailer + TRAILER_MAGIC_TRAILER_OFFSET, TRAILER_MAGIC);
        block.putIntRelease(MAGIC_OFFSET, enabled ? MAGIC : 0);
    }

    /**
     * The store is open: publish its position, and {@link #admit()} readers if asked.
     */
    void opened(final long position, final boolean admit)
    {
        position(position);
        if (admit)
        {
            admit();
        }
    }

    /**
     * Let readers in: the region now holds the state the store opened with (for a durable store, once its log is
     * replayed). Until then readers in other processes see {@link ReaderBlockDescriptor#NOT_READY} and wait.
     */
    void admit()
    {
        final long status = block.getLongVolatile(statusOffset);
        if (ReaderBlockDescriptor.NOT_READY == ReaderBlockDescriptor.state(status))
        {
            block.putLongVolatile(statusOffset, ReaderBlockDescriptor.status(generation, OPEN));
        }
    }

    /**
     * @param dir a directory.
     * @return its inode, or 0 where it cannot be read.
     */
    static long inode(final java.io.File dir)
    {
        try
        {
            return (Long)java.nio.file.Files.getAttribute(dir.toPath(), "unix:ino");
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return 0;
        }
    }

    /**
     * @return this open's generation.
     */
    long generation()
    {
        return generation;
    }

    /**
     * @return the offset of the status word in the block.
     */
    int statusOffset()
    {
        return statusOffset;
    }

    /**
     * @return the status word now.
     */
    long status()
    {
        return block.getLongVolatile(statusOffset);
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
        block.putLongVolatile(statusOffset, ReaderBlockDescriptor.status(generation, CLOSED));
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
        block.putLongVolatile(statusOffset, ReaderBlockDescriptor.status(generation, BROKEN));
    }

    /**
     * The state now matches this log position (after the change at it was applied to the table).
     */
    void position(final long position)
    {
        if (enabled)
        {
            block.putLongRelease(POSITION_OFFSET, position);
        }
    }

    /**
     * The log is durable up to this position.
     */
    void durablePosition(final long position)
    {
        if (enabled)
        {
            block.putLongRelease(DURABLE_POSITION_OFFSET, position);
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
