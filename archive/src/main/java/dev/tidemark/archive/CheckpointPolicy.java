/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

/**
 * When to take a checkpoint: once {@link DurableStoreContext#checkpointLogBytes()} of log have been written since the
 * last one was started, or once {@link DurableStoreContext#checkpointIntervalNs()} has passed with anything written.
 * The byte rule is checked on every write (one subtraction); the clock is read every {@value #TIME_CHECK_INTERVAL}
 * writes and on each poll. A policy only: the store starts the checkpoint and reports back with
 * {@link #onStarted(long, long)}. Writer thread only.
 */
final class CheckpointPolicy
{
    static final int TIME_CHECK_INTERVAL = 1024;

    private final long logBytes;
    private final long intervalNs;
    private long lastStartPosition;
    private long lastStartNs;
    private int writesSinceTimeCheck;

    CheckpointPolicy(final long logBytes, final long intervalNs, final long position, final long nowNs)
    {
        this.logBytes = logBytes;
        this.intervalNs = intervalNs;
        this.lastStartPosition = position;
        this.lastStartNs = nowNs;
    }

    /**
     * After a write: is a checkpoint due, by bytes or (every {@value #TIME_CHECK_INTERVAL} writes) by time?
     *
     * @param position the log position after the write.
     * @return true if one should start now.
     */
    boolean isDueAfterWrite(final long position)
    {
        if (position - lastStartPosition >= logBytes)
        {
            return true;
        }
        if (++writesSinceTimeCheck >= TIME_CHECK_INTERVAL)
        {
            writesSinceTimeCheck = 0;
            return isDueByTime(position, System.nanoTime());
        }
        return false;
    }

    /**
     * Is a checkpoint due by time: the interval passed, and the log moved since the last one started?
     *
     * @param position the store's log position now.
     * @param nowNs    the time now.
     * @return true if one should start now.
     */
    boolean isDueByTime(final long position, final long nowNs)
    {
        return nowNs - lastStartNs >= intervalNs && position != lastStartPosition;
    }

    /**
     * A checkpoint started (by this policy, on demand, or on open).
     *
     * @param position its position.
     * @param nowNs    the time it started.
     */
    void onStarted(final long position, final long nowNs)
    {
        lastStartPosition = position;
        lastStartNs = nowNs;
    }
}
