/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * The dirty-page bookkeeping of the writer, and its write barrier. Before every write to the live region the writer
 * calls {@link #beforeWrite(int, int)}, which for each page touched:
 * <ol>
 *   <li>if a checkpoint is copying, settles the page with the copier through the {@link CheckpointHandshake}: claims
 *   it if still pending and saves its pre-image, or waits the few hundred nanoseconds the copier needs to finish
 *   it;</li>
 *   <li>marks the page dirty for both slots: each slot's dirty set holds the pages changed since that slot's own
 *   image, which is exactly what its next checkpoint must copy.</li>
 * </ol>
 * Starting a checkpoint swaps the target's dirty set out as the pending set, in O(1): the writer never copies or
 * scans the state. Writer thread only.
 */
final class PageTracker
{
    private final int pageShift;
    private final int pageCount;
    private final CheckpointHandshake handshake;

    private long[] dirty0;
    private long[] dirty1;
    private int dirtyCount0;
    private int dirtyCount1;
    private long[] spare;

    private long[] activePending;
    private int activeTarget;

    PageTracker(final int pageSize, final int pageCount, final CheckpointHandshake handshake)
    {
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.pageCount = pageCount;
        this.handshake = handshake;
        final int words = (pageCount + 63) >>> 6;
        dirty0 = new long[words];
        dirty1 = new long[words];
        spare = new long[words];
    }

    /**
     * Called before writing {@code length} bytes at {@code offset} of the live region.
     */
    void beforeWrite(final int offset, final int length)
    {
        final int first = offset >>> pageShift;
        final int last = (offset + length - 1) >>> pageShift;
        for (int page = first; page <= last; page++)
        {
            markDirty(page);
        }
    }

    private void markDirty(final int page)
    {
        final int word = page >>> 6;
        final long bit = 1L << page;

        final long[] pending = activePending;
        if (null != pending)
        {
            handshake.writerClaim(pending, page, word, bit);
        }

        final long d0 = dirty0[word];
        if (0 == (d0 & bit))
        {
            dirty0[word] = d0 | bit;
            dirtyCount0++;
        }
        final long d1 = dirty1[word];
        if (0 == (d1 & bit))
        {
            dirty1[word] = d1 | bit;
            dirtyCount1++;
        }
    }

    /**
     * Swap the target slot's dirty set out as the pending set of a new checkpoint, and hand it to the copier.
     *
     * @return the number of pending pages.
     */
    int beginCheckpoint(final int target)
    {
        final long[] pending;
        final int count;
        if (0 == target)
        {
            pending = dirty0;
            count = dirtyCount0;
            dirty0 = spare;
            dirtyCount0 = 0;
        }
        else
        {
            pending = dirty1;
            count = dirtyCount1;
            dirty1 = spare;
            dirtyCount1 = 0;
        }
        spare = null;
        activePending = pending;
        activeTarget = target;
        handshake.writerBegin(target, pending, count);
        return count;
    }

    /**
     * The checkpoint is over. Its pending set has every bit cleared and becomes the spare. If it did not commit, the
     * target slot's image is no longer the one its record describes, so its next checkpoint copies every page.
     */
    void endCheckpoint(final boolean committed)
    {
        final long[] pending = activePending;
        activePending = null;
        boolean clear = true;
        for (final long bits : pending)
        {
            if (0 != bits)
            {
                clear = false;
                break;
            }
        }
        spare = clear ? pending : new long[pending.length];
        if (!committed)
        {
            markAllDirty(activeTarget);
        }
    }

    /**
     * Every page differs from the slot's image, as far as we know: after open for the slot not restored from, and
     * after a checkpoint to the slot that did not commit.
     */
    void markAllDirty(final int slot)
    {
        final long[] bits = 0 == slot ? dirty0 : dirty1;
        for (int page = 0; page < pageCount; page++)
        {
            bits[page >>> 6] |= 1L << page;
        }
        if (0 == slot)
        {
            dirtyCount0 = pageCount;
        }
        else
        {
            dirtyCount1 = pageCount;
        }
    }

    int dirtyCount(final int slot)
    {
        return 0 == slot ? dirtyCount0 : dirtyCount1;
    }
}
