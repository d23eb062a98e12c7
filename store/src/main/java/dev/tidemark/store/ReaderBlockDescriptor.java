/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * Layout of the reader block: the version stamps readers on other threads check, in the live region's file right
 * after the table region (which is a whole number of pages, so the block starts on a page). Written by the writer
 * only; readers never write it. Zeroed at every open, never in a snapshot slot, never trusted after a crash.
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
 *  |                     zero up to 192                           ...
 *  +---------------------------------------------------------------+
 *  |   Stamps: Stripe Count 64-bit counts; table page p has the    |  192
 *  |   stamp p & (Stripe Count - 1), odd while an entry that       |
 *  |   starts on that page is written                             ...
 *  +---------------------------------------------------------------+
 *  |                     zero up to a whole page                  ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The writer makes a counter odd, then (store-store fence) writes the table, then makes it even with a release
 * store. A reader reads a counter with an acquire load, retries while it is odd, reads the table into its own
 * memory, issues an acquire fence, and accepts what it read only if the counter is unchanged: the stamp of the page
 * each entry it used starts on (every write of an entry starts at the entry's offset), and Moves for the lookup,
 * since a removal's backward shift can move a key that was present all along to a bucket the reader had already
 * passed. Removals do not touch the stamps: Moves covers them.
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
     * Offset of the first stripe's stamp.
     */
    public static final int STAMPS_OFFSET = 192;

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
     * @return the block's length: the stamps, rounded up to a whole page.
     */
    public static int length(final int pageCount, final int pageSize)
    {
        final int bytes = STAMPS_OFFSET + stripeCount(pageCount) * Long.BYTES;
        return (bytes + pageSize - 1) / pageSize * pageSize;
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
