/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.store.ArgumentChecks.checkNotNegative;
import static dev.tidemark.store.ArgumentChecks.checkPositive;

/**
 * The checkpointer's settings of a {@link StoreContext}: how it copies, writes back and forces, and on which thread.
 * Package-private: its setters are the store context's.
 *
 * @param <T> the context type, returned by the setters.
 */
abstract class CheckpointSettings<T extends CheckpointSettings<T>>
{
    private long checkpointDurableTimeoutNs = SystemUtil.getDurationInNanos(
        StoreConfiguration.CHECKPOINT_DURABLE_TIMEOUT_PROP_NAME,
        StoreConfiguration.CHECKPOINT_DURABLE_TIMEOUT_DEFAULT_NS);
    private int checkpointPagesPerDutyCycle = 64;
    private int checkpointPreImagePages = StoreConfiguration.intProperty(
        StoreConfiguration.CHECKPOINT_PREIMAGE_PAGES_PROP_NAME, 0);
    private int checkpointFlushBytes = StoreConfiguration.intProperty(
        StoreConfiguration.CHECKPOINT_FLUSH_BYTES_PROP_NAME, StoreConfiguration.CHECKPOINT_FLUSH_BYTES_DEFAULT);
    private long checkpointWriteBytesPerSecond = Long.getLong(
        StoreConfiguration.CHECKPOINT_WRITE_RATE_PROP_NAME, 0L);
    private boolean useCheckpointerInvoker;
    private boolean checkpointForcerThread;
    private IdleStrategy checkpointerIdleStrategy;
    private ThreadFactory checkpointerThreadFactory;

    abstract T self();

    /**
     * Check the checkpointer's settings and fill in their defaults; part of {@link StoreContext#conclude()}.
     */
    void concludeCheckpointSettings()
    {
        checkPositive("checkpointDurableTimeoutNs", checkpointDurableTimeoutNs);
        checkPositive("checkpointPagesPerDutyCycle", checkpointPagesPerDutyCycle);
        checkNotNegative("checkpointPreImagePages", checkpointPreImagePages);
        checkNotNegative("checkpointFlushBytes", checkpointFlushBytes);
        checkNotNegative("checkpointWriteBytesPerSecond", checkpointWriteBytesPerSecond);
        if (null == checkpointerIdleStrategy)
        {
            checkpointerIdleStrategy = new BackoffIdleStrategy(
                10, 20, TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (null == checkpointerThreadFactory)
        {
            checkpointerThreadFactory = (runnable) ->
            {
                final Thread thread = new Thread(runnable);
                thread.setDaemon(true);
                return thread;
            };
        }
    }

    /**
     * @param timeoutNs how long a checkpoint waits for the log to be durable before it aborts.
     * @return this.
     */
    public T checkpointDurableTimeoutNs(final long timeoutNs)
    {
        checkPositive("checkpointDurableTimeoutNs", timeoutNs);
        this.checkpointDurableTimeoutNs = timeoutNs;
        return self();
    }

    /**
     * @return the durable-log wait of a checkpoint.
     */
    public long checkpointDurableTimeoutNs()
    {
        return checkpointDurableTimeoutNs;
    }

    /**
     * @param pages pages the checkpointer copies per duty cycle.
     * @return this.
     */
    public T checkpointPagesPerDutyCycle(final int pages)
    {
        checkPositive("checkpointPagesPerDutyCycle", pages);
        this.checkpointPagesPerDutyCycle = pages;
        return self();
    }

    /**
     * @return pages the checkpointer copies per duty cycle.
     */
    public int checkpointPagesPerDutyCycle()
    {
        return checkpointPagesPerDutyCycle;
    }

    /**
     * @param pages size, in pages, of a ring of anonymous memory where the writer saves the pre-image of a page it
     *              must copy during a checkpoint, for the checkpointer to write into the slot; when the ring is
     *              full, or with 0 (the default), the writer writes the page into the slot's file mapping itself.
     *              Trades memory (pages x page size) for fewer writer stalls under heavy random writes.
     * @return this.
     */
    public T checkpointPreImagePages(final int pages)
    {
        checkNotNegative("checkpointPreImagePages", pages);
        this.checkpointPreImagePages = pages;
        return self();
    }

    /**
     * @return pages of the writer's pre-image ring (0: off).
     */
    public int checkpointPreImagePages()
    {
        return checkpointPreImagePages;
    }

    /**
     * @param bytes bytes a checkpoint writes into its slot between two forces of the slot, so the kernel never
     *              holds more than that of it dirty and the disk never takes the whole region in one submission
     *              (the recorder's writes and forces queue behind such a flood); 0 forces only at the commit.
     *              Default {@value StoreConfiguration#CHECKPOINT_FLUSH_BYTES_DEFAULT}.
     * @return this.
     */
    public T checkpointFlushBytes(final int bytes)
    {
        checkNotNegative("checkpointFlushBytes", bytes);
        this.checkpointFlushBytes = bytes;
        return self();
    }

    /**
     * @return bytes a checkpoint writes between two forces of its slot (0: only at the commit).
     */
    public int checkpointFlushBytes()
    {
        return checkpointFlushBytes;
    }

    /**
     * @param bytesPerSecond the most bytes per second a checkpoint copies from the live region into its slot (a
     *                       token bucket), so that it spreads over time and leaves the disk and a core to the
     *                       log; 0 (the default) copies as fast as the checkpointer can. A slower checkpoint
     *                       leaves more pages for the writer to save itself (see
     *                       {@link #checkpointPreImagePages(int)}) and replays more log after a crash.
     * @return this.
     */
    public T checkpointWriteBytesPerSecond(final long bytesPerSecond)
    {
        checkNotNegative("checkpointWriteBytesPerSecond", bytesPerSecond);
        this.checkpointWriteBytesPerSecond = bytesPerSecond;
        return self();
    }

    /**
     * @return the checkpoint's copy rate in bytes per second (0: unpaced).
     */
    public long checkpointWriteBytesPerSecond()
    {
        return checkpointWriteBytesPerSecond;
    }

    /**
     * @param forcerThread run the checkpointer's blocking calls (the forces of the slot, the log and the header) on
     *                     a thread of their own, so that the thread that drives the checkpointer never blocks on
     *                     the disk: for an {@link #useCheckpointerInvoker(boolean) invoker} driven from a duty
     *                     cycle that also does other work. Off by default (they run where the checkpointer runs).
     * @return this.
     */
    public T checkpointForcerThread(final boolean forcerThread)
    {
        this.checkpointForcerThread = forcerThread;
        return self();
    }

    /**
     * @return true if the checkpointer's forces run on a thread of their own.
     */
    public boolean checkpointForcerThread()
    {
        return checkpointForcerThread;
    }

    /**
     * @param useInvoker run the checkpointer from {@link StateStore#checkpointerInvoker()} on a thread of yours
     *                   instead of its own thread.
     * @return this.
     */
    public T useCheckpointerInvoker(final boolean useInvoker)
    {
        this.useCheckpointerInvoker = useInvoker;
        return self();
    }

    /**
     * @return whether the checkpointer runs from an invoker.
     */
    public boolean useCheckpointerInvoker()
    {
        return useCheckpointerInvoker;
    }

    /**
     * @param idleStrategy idle strategy of the checkpointer thread (default: backoff to 1 ms parks).
     * @return this.
     */
    public T checkpointerIdleStrategy(final IdleStrategy idleStrategy)
    {
        this.checkpointerIdleStrategy = idleStrategy;
        return self();
    }

    /**
     * @return the checkpointer's idle strategy.
     */
    public IdleStrategy checkpointerIdleStrategy()
    {
        return checkpointerIdleStrategy;
    }

    /**
     * @param threadFactory makes the checkpointer thread (default: a daemon thread).
     * @return this.
     */
    public T checkpointerThreadFactory(final ThreadFactory threadFactory)
    {
        this.checkpointerThreadFactory = threadFactory;
        return self();
    }

    /**
     * @return the checkpointer thread factory.
     */
    public ThreadFactory checkpointerThreadFactory()
    {
        return checkpointerThreadFactory;
    }
}
