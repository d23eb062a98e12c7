/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.TidemarkException;
import io.aeron.archive.status.RecordingPos;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * The durability policy of acknowledgements: which {@link Durability} levels the archive's sync level allows, and the
 * wait for the recording position to pass a write, bounded by {@link DurableStoreContext#durableTimeoutNs()} and
 * failing at once if the recording stops under the store. Writer thread only; zero allocation but to fail.
 */
final class DurabilityWait
{
    private static final int CHECK_INTERVAL_MASK = 1023;

    private final RecordingDurableLog durableLog;
    private final CountersReader counters;
    private final int recordingCounterId;
    private final long recordingId;
    private final int archiveFileSyncLevel;
    private final long timeoutNs;
    private final File dir;
    private final StateStore store;
    private long published;
    private final IdleStrategy idleStrategy = new BackoffIdleStrategy(
        100, 100, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));

    DurabilityWait(
        final RecordingDurableLog durableLog,
        final CountersReader counters,
        final int recordingCounterId,
        final long recordingId,
        final int archiveFileSyncLevel,
        final long timeoutNs,
        final File dir,
        final StateStore store)
    {
        this.store = store;
        this.durableLog = durableLog;
        this.counters = counters;
        this.recordingCounterId = recordingCounterId;
        this.recordingId = recordingId;
        this.archiveFileSyncLevel = archiveFileSyncLevel;
        this.timeoutNs = timeoutNs;
        this.dir = dir;
    }

    /**
     * Refuse a durability level this store cannot honour, before anything is written.
     *
     * @param durability the level asked for.
     * @throws IllegalArgumentException if null, or SYNCED with an archive that does not force what it records.
     */
    void check(final Durability durability)
    {
        if (null == durability)
        {
            throw new IllegalArgumentException("durability must be NONE, RECORDED or SYNCED: durability=null");
        }
        if (Durability.SYNCED == durability && archiveFileSyncLevel < 1)
        {
            throw new IllegalArgumentException(
                "SYNCED durability needs archive fileSyncLevel >= 1: fileSyncLevel=" + archiveFileSyncLevel);
        }
    }

    /**
     * Wait, if the level asks for it, until a write at a position is durable.
     *
     * @param position   the log position after the write.
     * @param durability the level asked for, already {@link #check(Durability) checked}.
     */
    void acknowledge(final long position, final Durability durability)
    {
        if (Durability.NONE != durability)
        {
            await(position);
        }
    }

    /**
     * Wait until the archive's recording position reaches a position.
     *
     * @param position the position to wait for.
     * @throws TidemarkException if it is not reached in time, or the recording stopped.
     */
    void await(final long position)
    {
        final long durable = durableLog.durablePosition();
        if (durable >= position)
        {
            publish(durable);
            return;
        }
        final long deadline = System.nanoTime() + timeoutNs;
        idleStrategy.reset();
        int spins = 0;
        while (durableLog.durablePosition() < position)
        {
            if ((++spins & CHECK_INTERVAL_MASK) == 0)
            {
                if (!RecordingPos.isActive(counters, recordingCounterId, recordingId))
                {
                    throw new TidemarkException(TidemarkException.Category.FATAL,
                        "recording " + recordingId + " stopped under the store before position=" + position +
                        ": dir=" + dir);
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new TidemarkException(TidemarkException.Category.ERROR,
                        "position=" + position + " not durable within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) +
                        " ms (recorded=" + counters.getCounterValue(recordingCounterId) + "): not acknowledged, dir=" +
                        dir);
                }
            }
            idleStrategy.idle();
        }
        publish(position);
    }

    /**
     * Publish the durable position to the store's readers ({@link StateStore#durablePosition(long)}), if it moved.
     *
     * @return 1 if it moved, else 0.
     */
    int poll()
    {
        final long durable = durableLog.durablePosition();
        return durable > published ? publish(durable) : 0;
    }

    private int publish(final long durable)
    {
        if (durable > published)
        {
            published = durable;
            store.durablePosition(durable);
            return 1;
        }
        return 0;
    }

    /**
     * @return the position up to which the log is durable, or -1 if the recording stopped under the store.
     */
    long durablePosition()
    {
        return durableLog.durablePosition();
    }
}
