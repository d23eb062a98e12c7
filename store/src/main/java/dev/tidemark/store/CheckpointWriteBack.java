/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * How the checkpointer writes a slot back to disk: in bounded steps, and at a bounded rate. A policy only; the
 * checkpointer does the writes and forces.
 * <ul>
 *   <li><b>Flush after</b> ({@link StoreContext#checkpointFlushBytes(int)}): once that many bytes have been written to
 *   the slot since its last force, force it again, so that the disk never gets the whole region in one submission
 *   (PostgreSQL's {@code checkpoint_flush_after}, RocksDB's {@code bytes_per_sync}). Each force writes only the pages
 *   dirtied since the one before. Inline, the bound is exact; with a forcer thread, a force due while the last one
 *   still runs is made as soon as that one ends, so the bytes written meanwhile join it (copying is not held up:
 *   the rate below is what bounds how fast dirty bytes accrue).</li>
 *   <li><b>Rate</b> ({@link StoreContext#checkpointWriteBytesPerSecond(long)}): a token bucket the copier draws on
 *   for each page it copies from the live region, so a checkpoint spreads over time instead of taking a core and
 *   the disk for as long as it lasts. Pre-images the writer saved are written whatever the bucket holds (the ring
 *   they free is what keeps the writer from copying pages itself), but are charged to it.</li>
 * </ul>
 * Checkpointer thread only (whoever drives the copier), no allocation.
 */
final class CheckpointWriteBack
{
    private final int pageSize;
    private final long flushBytes;
    private final long bytesPerSecond;
    private final double bytesPerNs;
    private final long burstBytes;
    private long unforcedBytes;
    private double tokens;
    private long lastRefillNs;

    /**
     * @param pageSize         the store's page size.
     * @param flushBytes       force after this many bytes written; 0 for only at the commit.
     * @param bytesPerSecond   the copier's rate; 0 for as fast as it can.
     * @param pagesPerDutyCycle the most pages one duty cycle copies (the bucket holds at least that many).
     */
    CheckpointWriteBack(final int pageSize, final long flushBytes, final long bytesPerSecond,
        final int pagesPerDutyCycle)
    {
        this.pageSize = pageSize;
        this.flushBytes = flushBytes;
        this.bytesPerSecond = bytesPerSecond;
        this.bytesPerNs = bytesPerSecond / 1e9;
        this.burstBytes = Math.max((long)pagesPerDutyCycle * pageSize, Math.min(flushBytes, bytesPerSecond / 100));
    }

    /**
     * A checkpoint begins: a full bucket, nothing unforced.
     */
    void begin(final long nowNs)
    {
        unforcedBytes = 0;
        tokens = burstBytes;
        lastRefillNs = nowNs;
    }

    /**
     * @return how many pages the copier may copy from the live region now, at most {@code limit}.
     */
    int allowance(final long nowNs, final int limit)
    {
        if (0 == bytesPerSecond)
        {
            return limit;
        }
        final long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs > 0)
        {
            // In floating point, so that a copier asking every microsecond at a low rate still earns its fractions of
            // a byte, and so that no rate times any elapsed time can overflow.
            tokens = Math.min(burstBytes, tokens + elapsedNs * bytesPerNs);
            lastRefillNs = nowNs;
        }
        return tokens < pageSize ? 0 : (int)Math.min(limit, (long)(tokens / pageSize));
    }

    /**
     * Pages were written to the slot.
     *
     * @return true if a force is due now.
     */
    boolean onWritten(final int pages)
    {
        final long bytes = (long)pages * pageSize;
        tokens -= bytes;
        unforcedBytes += bytes;
        return 0 != flushBytes && unforcedBytes >= flushBytes;
    }

    /**
     * The slot was forced.
     */
    void onForced()
    {
        unforcedBytes = 0;
    }
}
