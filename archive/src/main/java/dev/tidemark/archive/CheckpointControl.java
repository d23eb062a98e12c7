/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StateStore;

/**
 * The durable store's checkpoints: started by the {@link CheckpointPolicy} after a write or on a poll, or on demand;
 * their commits published to the {@link DurableStoreCounters}; and after each commit the recording purged below the
 * older snapshot by {@link Retention}. Writer thread only; zero allocation on the write path.
 */
final class CheckpointControl
{
    private final StateStore store;
    private final CheckpointPolicy policy;
    private final Retention retention;
    private final DurableStoreCounters counters;
    private final RecoveryEstimate estimate;

    CheckpointControl(
        final StateStore store,
        final CheckpointPolicy policy,
        final Retention retention,
        final DurableStoreCounters counters,
        final RecoveryEstimate estimate)
    {
        this.store = store;
        this.policy = policy;
        this.retention = retention;
        this.counters = counters;
        this.estimate = estimate;
        counters.onEstimate(estimate.estimateNs(store.lastPosition() - store.lastCheckpointPosition()));
    }

    /**
     * After a write: publish its position, start a checkpoint if the policy says one is due, and publish a commit
     * that happened since the last write.
     *
     * @param position the log position after the write.
     */
    void afterWrite(final long position)
    {
        counters.onPublished(position);
        if (policy.isDueAfterWrite(position))
        {
            start();
        }
        if (counters.isCheckpointNew(store.checkpointsCommitted()))
        {
            updateCounters();
        }
    }

    /**
     * Do background duties on the writer thread when it has nothing else to do: the time-based checkpoint policy,
     * retention (purging the recording below the older snapshot, a request to the archive, so never done inside a
     * write), and the checkpointer in invoker mode. Call it regularly: without it the archive is never purged.
     *
     * @return work done (0 when idle).
     */
    int poll()
    {
        store.checkWritable();
        int work = 0;
        if (null != store.checkpointerInvoker())
        {
            work += store.checkpointerInvoker().invoke();
        }
        store.isCheckpointInProgress();
        if (counters.isCheckpointNew(store.checkpointsCommitted()))
        {
            updateCounters();
            work++;
        }
        work += retention.poll(store.retainedPosition());
        counters.onEstimate(estimate.estimateNs(store.lastPosition() - store.lastCheckpointPosition()));
        if (policy.isDueByTime(store.lastPosition(), System.nanoTime()))
        {
            start();
        }
        return work;
    }

    /**
     * Take a checkpoint now and wait until it commits (and the log below the older snapshot is purged).
     */
    void startAndAwait()
    {
        store.checkpointAndAwait();
        policy.onStarted(store.lastPosition(), System.nanoTime());
        updateCounters();
        retention.purgeNow(store.retainedPosition());
    }

    /**
     * Start a checkpoint now at the current position, if none is in progress.
     *
     * @return true if started.
     */
    boolean start()
    {
        final boolean started = store.checkpoint();
        if (started)
        {
            policy.onStarted(store.lastPosition(), System.nanoTime());
        }
        return started;
    }

    private void updateCounters()
    {
        counters.onCheckpoint(store.checkpointsCommitted(), store.lastCheckpointPosition(),
            store.statistics().lastCheckpointDurationNs());
    }
}
