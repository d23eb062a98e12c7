/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;

import java.io.File;

/**
 * The durable store's Aeron counters, readable from outside the process (AeronStat lists them; the type ids are
 * the public constants here): published position, checkpoint position, checkpoints committed, last checkpoint duration,
 * messages replayed on open, errors reported. Each is labelled with the store's directory. Written by the writer
 * thread with ordered stores (the error counter by any thread that reports an error); zero allocation after open.
 */
public final class DurableStoreCounters
{
    /**
     * Counter type: log position of the last mutation published.
     */
    public static final int PUBLISHED_POSITION_TYPE_ID = 4101;
    /**
     * Counter type: log position of the newest committed checkpoint.
     */
    public static final int CHECKPOINT_POSITION_TYPE_ID = 4102;
    /**
     * Counter type: checkpoints committed since open.
     */
    public static final int CHECKPOINTS_TYPE_ID = 4103;
    /**
     * Counter type: duration of the last checkpoint in nanoseconds.
     */
    public static final int CHECKPOINT_DURATION_TYPE_ID = 4104;
    /**
     * Counter type: messages replayed on open.
     */
    public static final int REPLAYED_MESSAGES_TYPE_ID = 4105;
    /**
     * Counter type: errors reported.
     */
    public static final int ERRORS_TYPE_ID = 4106;

    /**
     * Counter type: the estimated restart time in nanoseconds now (see {@code RecoveryEstimate}).
     */
    public static final int ESTIMATED_RECOVERY_TYPE_ID = 4107;

    private final Counter publishedPosition;
    private final Counter checkpointPosition;
    private final Counter checkpoints;
    private final Counter checkpointDuration;
    private final Counter replayedMessages;
    private final Counter errors;
    private final Counter estimatedRecovery;
    private long checkpointsSeen;

    DurableStoreCounters(final Aeron aeron, final File dir, final CountingErrorHandler errorHandler)
    {
        final String label = " dir=" + dir;
        publishedPosition = aeron.addCounter(
            PUBLISHED_POSITION_TYPE_ID, "tidemark published position" + label);
        checkpointPosition = aeron.addCounter(
            CHECKPOINT_POSITION_TYPE_ID, "tidemark checkpoint position" + label);
        checkpoints = aeron.addCounter(CHECKPOINTS_TYPE_ID, "tidemark checkpoints" + label);
        checkpointDuration = aeron.addCounter(
            CHECKPOINT_DURATION_TYPE_ID, "tidemark checkpoint duration ns" + label);
        replayedMessages = aeron.addCounter(
            REPLAYED_MESSAGES_TYPE_ID, "tidemark replayed messages" + label);
        errors = aeron.addCounter(ERRORS_TYPE_ID, "tidemark errors" + label);
        estimatedRecovery = aeron.addCounter(ESTIMATED_RECOVERY_TYPE_ID, "tidemark estimated recovery ns" + label);
        errorHandler.counter = errors;
        errors.setRelease(errorHandler.early);
    }

    void onOpen(final long publishedPosition, final long checkpointPosition, final long replayed, final long commits)
    {
        this.publishedPosition.setRelease(publishedPosition);
        this.checkpointPosition.setRelease(checkpointPosition);
        replayedMessages.setRelease(replayed);
        checkpointsSeen = commits;
    }

    void onEstimate(final long recoveryNs)
    {
        estimatedRecovery.setRelease(recoveryNs);
    }

    void onPublished(final long position)
    {
        publishedPosition.setRelease(position);
    }

    /**
     * @param commits checkpoints committed so far.
     * @return true if that is more than last seen, so the checkpoint counters need {@link #onCheckpoint}.
     */
    boolean isCheckpointNew(final long commits)
    {
        return commits != checkpointsSeen;
    }

    void onCheckpoint(final long commits, final long position, final long durationNs)
    {
        checkpointsSeen = commits;
        checkpoints.setRelease(commits);
        checkpointPosition.setRelease(position);
        checkpointDuration.setRelease(durationNs);
    }

    /**
     * Close the counters; each is freed in the driver.
     */
    void close()
    {
        CloseHelper.quietCloseAll(
            publishedPosition, checkpointPosition, checkpoints, checkpointDuration, replayedMessages, errors,
            estimatedRecovery);
    }
}
