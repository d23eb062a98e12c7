/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * Layout of the reader block: the version stamps and the status readers on other threads and in other processes
 * check, in the live region's file right after the table region (which is a whole number of pages, so the block
 * starts on a page). Written by the writer only (and, for the status, by an open or a sweep about to rewrite or
 * delete the file); readers never write it. Zeroed at every open, never in a snapshot slot, never trusted after a
 * crash.
 * <p>
 * In the platform's byte order (little-endian on x86 and ARM), each counter on a cache line of its own:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "TMRB" (0x42524d54)                 |  0
 *  +---------------------------------------------------------------+
 *  |                     Stripe Count (power of two)               |  4
 *  +---------------------------------------------------------------+
 *  |                     Page Shift (log2 of the page size)        |  8
 *  +---------------------------------------------------------------+
 *  |                     zero up to 64                            ...
 *  +---------------------------------------------------------------+
 *  |   Moves: 64-bit count, odd while a removal shifts entries     |  64
 *  +---------------------------------------------------------------+
 *  |                     zero up to 128                           ...
 *  +---------------------------------------------------------------+
 *  |   Size: 64-bit number of entries, set after each change       |  128
 *  +---------------------------------------------------------------+
 *  |   Position: 64-bit log position of the last change applied    |  136
 *  +---------------------------------------------------------------+
 *  |                     zero up to 192                           ...
 *  +---------------------------------------------------------------+
 *  |   Durable Position: 64-bit, as last published by the writer   |  192
 *  +---------------------------------------------------------------+
 *  |                     zero up to 256                           ...
 *  +---------------------------------------------------------------+
 *  |   Stamps: Stripe Count 64-bit counts; table page p has the    |  256
 *  |   stamp p & (Stripe Count - 1), odd while an entry that       |
 *  |   starts on that page is written                             ...
 *  +---------------------------------------------------------------+
 *  |                     zero up to the trailer                   ...
 *  +---------------------------------------------------------------+
 *  |   Status: 64-bit, Generation << 2 | State                     |  L - 64
 *  +---------------------------------------------------------------+
 *  |   Store Id: 64-bit, the store's id from its header            |  L - 56
 *  +---------------------------------------------------------------+
 *  |   Writer Pid: 64-bit process id of the writer                 |  L - 48
 *  +---------------------------------------------------------------+
 *  |   Trailer Magic "TMRT" (0x54524d54), 32-bit                   |  L - 40
 *  +---------------------------------------------------------------+
 *  |   Directory Inode: 64-bit inode of the store directory, or 0  |  L - 32
 *  +---------------------------------------------------------------+
 *  |                     zero up to L (the block's length)        ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The block is a whole number of pages, L bytes, so the trailer is the file's last 64 bytes: a sweep or an open
 * that knows nothing of the geometry can find it. State is {@link #NOT_READY} (0: an open is rebuilding the region,
 * or the store is not yet admitting readers), {@link #OPEN}, {@link #CLOSED} or {@link #BROKEN}; Generation grows
 * at every open (the open's wall-clock time in milliseconds, or one more than the file's last generation if that
 * is later), so a reader that saw one status before a read and the same status after it knows no other open
 * rewrote the region in between.
 * <p>
 * The writer makes a counter odd, then (store-store fence) writes the table, then makes it even with a release
 * store. A reader reads a counter with an acquire load, retries while it is odd, reads the table into its own
 * memory, issues an acquire fence, and accepts what it read only if the counter is unchanged: the stamp of the page
 * each entry it used starts on (every write of an entry starts at the entry's offset), and Moves for the lookup,
 * since a removal's backward shift can move a key that was present all along to a bucket the reader had already
 * passed. Removals do not touch the stamps: Moves covers them. The Status is checked the same way around every
 * read; an open sets it to {@link #NOT_READY} (then a full fence) before it writes anything else in the file.
 */
public final class ReaderBlockDescriptor
{
    /**
     * The block's magic, "TMRB" little-endian.
     */
    public static final int MAGIC = 0x42524d54;

    /**
     * Offset of the magic.
     */
    public static final int MAGIC_OFFSET = 0;

    /**
     * Offset of the stripe count.
     */
    public static final int STRIPE_COUNT_OFFSET = 4;

    /**
     * Offset of the page shift.
     */
    public static final int PAGE_SHIFT_OFFSET = 8;

    /**
     * Offset of the moves counter.
     */
    public static final int MOVES_OFFSET = 64;

    /**
     * Offset of the entry count.
     */
    public static final int SIZE_OFFSET = 128;

    /**
     * Offset of the log position of the last change applied.
     */
    public static final int POSITION_OFFSET = 136;

    /**
     * Offset of the durable position the writer last published.
     */
    public static final int DURABLE_POSITION_OFFSET = 192;

    /**
     * Offset of the first stripe's stamp.
     */
    public static final int STAMPS_OFFSET = 256;

    /**
     * Length of the trailer, the block's (and the file's) last bytes.
     */
    public static final int TRAILER_LENGTH = 64;

    /**
     * Offset of the status in the trailer.
     */
    public static final int STATUS_TRAILER_OFFSET = 0;

    /**
     * Offset of the store id in the trailer.
     */
    public static final int STORE_ID_TRAILER_OFFSET = 8;

    /**
     * Offset of the writer's process id in the trailer.
     */
    public static final int WRITER_PID_TRAILER_OFFSET = 16;

    /**
     * Offset of the trailer's magic in the trailer.
     */
    public static final int TRAILER_MAGIC_TRAILER_OFFSET = 24;

    /**
     * Offset of the store directory's inode in the trailer (0 where it could not be read): a copy of the directory
     * shares the store id, never the inode.
     */
    public static final int DIRECTORY_INODE_TRAILER_OFFSET = 32;

    /**
     * The trailer's magic, "TMRT" little-endian.
     */
    public static final int TRAILER_MAGIC = 0x54524d54;

    /**
     * State: an open is rebuilding the region, or the store does not admit readers yet.
     */
    public static final int NOT_READY = 0;

    /**
     * State: the writer has the store open.
     */
    public static final int OPEN = 1;

    /**
     * State: the store was closed (or its file swept after its writer died).
     */
    public static final int CLOSED = 2;

    /**
     * State: the writer failed in the middle of a change; reads are refused until the store is reopened.
     */
    public static final int BROKEN = 3;

    /**
     * Most stripes a block has: fewer only when the table has fewer pages.
     */
    public static final int MAX_STRIPES = 8192;

    private ReaderBlockDescriptor()
    {
    }

    /**
     * @param pageCount the table region's page count.
     * @return the stripe count for it: the page count rounded up to a power of two, at most {@link #MAX_STRIPES}.
     */
    public static int stripeCount(final int pageCount)
    {
        return Math.min(Integer.highestOneBit(Math.max(1, pageCount - 1)) << 1, MAX_STRIPES);
    }

    /**
     * @param pageCount the table region's page count.
     * @param pageSize  the store's page size.
     * @return the block's length: the stamps and the trailer, rounded up to a whole page.
     */
    public static int length(final int pageCount, final int pageSize)
    {
        final int bytes = STAMPS_OFFSET + stripeCount(pageCount) * Long.BYTES + TRAILER_LENGTH;
        return (bytes + pageSize - 1) / pageSize * pageSize;
    }

    /**
     * @param blockLength the block's length.
     * @return the offset of the trailer in the block.
     */
    public static int trailerOffset(final int blockLength)
    {
        return blockLength - TRAILER_LENGTH;
    }

    /**
     * @param generation the open's generation.
     * @param state      {@link #NOT_READY}, {@link #OPEN}, {@link #CLOSED} or {@link #BROKEN}.
     * @return the status word.
     */
    public static long status(final long generation, final int state)
    {
        return generation << 2 | state;
    }

    /**
     * @param status a status word.
     * @return its state.
     */
    public static int state(final long status)
    {
        return (int)(status & 3);
    }

    /**
     * @param status a status word.
     * @return its generation.
     */
    public static long generation(final long status)
    {
        return status >>> 2;
    }

    /**
     * @param state a state.
     * @return its name, for messages.
     */
    public static String stateName(final int state)
    {
        switch (state)
        {
            case NOT_READY:
                return "NOT_READY";
            case OPEN:
                return "OPEN";
            case CLOSED:
                return "CLOSED";
            default:
                return "BROKEN";
        }
    }

    /**
     * @param tableOffset an offset in the table region.
     * @param pageShift   log2 of the page size.
     * @param stripeMask  the stripe count less one.
     * @return the offset in the block of the stamp of that offset's page.
     */
    public static int stampOffset(final int tableOffset, final int pageShift, final int stripeMask)
    {
        return STAMPS_OFFSET + (((tableOffset >>> pageShift) & stripeMask) << 3);
    }
}
