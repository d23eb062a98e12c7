/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.TidemarkException;
import org.agrona.ErrorHandler;

/**
 * How long a restart would take now, and how much log a recovery-time objective allows between checkpoints
 * ({@link DurableStoreContext#recoveryTimeObjectiveNs(long)}). A restart costs this store's fixed open (lock, header,
 * slot verify and map, the embedded archive's launch, the recording's checks: what this process's own open took,
 * less its replay) plus the log written since the newest committed checkpoint, replayed at the rate this open's replay
 * measured, in the cold JVM a restart after a crash also has (or {@link #DEFAULT_REPLAY_BYTES_PER_SECOND} when it
 * replayed too little to measure). A checkpoint is due once the log since the last one started would take half the
 * objective's replay budget, so that a crash just before that checkpoint commits, which replays from the one before,
 * still recovers within the objective. The estimate is published as the counter
 * {@link DurableStoreCounters#ESTIMATED_RECOVERY_TYPE_ID} at open and on every {@code poll()}. Writer thread only.
 */
final class RecoveryEstimate
{
    /**
     * Replay rate assumed until an open measures one: below what a cold JVM replayed on the 2-vCPU test machine
     * (0.3-1.2M messages of about 100 bytes a second).
     */
    static final long DEFAULT_REPLAY_BYTES_PER_SECOND = 25L * 1024 * 1024;

    /**
     * An open must replay at least this much for its rate to count.
     */
    static final long MIN_MEASURED_BYTES = 4L * 1024 * 1024;

    /**
     * The fewest log bytes allowed between checkpoints by an objective, however tight.
     */
    static final long MIN_CHECKPOINT_BYTES = 1024 * 1024;

    private final long objectiveNs;
    private final long fixedNs;
    private final long bytesPerSecond;

    /**
     * The estimate from what this open measured; an objective the fixed cost alone exceeds is reported.
     */
    static RecoveryEstimate atOpen(
        final DurableStoreContext ctx, final StateStore store, final RecoveryReport report, final ErrorHandler errors)
    {
        final RecoveryEstimate estimate = new RecoveryEstimate(ctx.recoveryTimeObjectiveNs(),
            report.recoveryDurationNs(), report.replayDurationNs(),
            store.lastPosition() - store.statistics().restoredPosition());
        if (estimate.isObjectiveBelowFixedCost())
        {
            errors.onError(new TidemarkException(TidemarkException.Category.ERROR, "recovery time objective " +
                ctx.recoveryTimeObjectiveNs() / 1_000_000 + " ms is below twice this store's fixed open cost (" +
                estimate.fixedNs() / 1_000_000 + " ms measured at this open): checkpoints every " +
                MIN_CHECKPOINT_BYTES + " bytes of log cannot bring a restart within it (the store opened): dir=" +
                ctx.dir()));
        }
        return estimate;
    }

    /**
     * @param objectiveNs      the objective, 0 for none.
     * @param openDurationNs   how long this open took, replay included.
     * @param replayDurationNs how long its replay took.
     * @param replayedBytes    how many bytes of log it replayed.
     */
    RecoveryEstimate(
        final long objectiveNs, final long openDurationNs, final long replayDurationNs, final long replayedBytes)
    {
        this.objectiveNs = objectiveNs;
        this.fixedNs = Math.max(0, openDurationNs - replayDurationNs);
        this.bytesPerSecond = replayedBytes >= MIN_MEASURED_BYTES && replayDurationNs > 0 ?
            Math.max(1, (long)(replayedBytes * 1e9 / replayDurationNs)) : DEFAULT_REPLAY_BYTES_PER_SECOND;
    }

    /**
     * @param logBytes log bytes since the newest committed checkpoint.
     * @return the estimated restart time now, in nanoseconds.
     */
    long estimateNs(final long logBytes)
    {
        return fixedNs + (long)(Math.max(0, logBytes) * 1e9 / bytesPerSecond);
    }

    /**
     * @param capBytes the byte rule's own interval ({@link DurableStoreContext#checkpointLogBytes()}).
     * @return the log bytes between checkpoint starts: the objective's, no more than the cap.
     */
    long checkpointLogBytes(final long capBytes)
    {
        if (0 == objectiveNs)
        {
            return capBytes;
        }
        final long replayBudgetNs = objectiveNs / 2 - fixedNs;
        final long bytes = replayBudgetNs <= 0 ? MIN_CHECKPOINT_BYTES :
            Math.max(MIN_CHECKPOINT_BYTES, (long)(replayBudgetNs / 1e9 * bytesPerSecond));
        return Math.min(capBytes, bytes);
    }

    /**
     * @return true if the fixed part of a restart alone takes more than half the objective: checkpoints cannot help.
     */
    boolean isObjectiveBelowFixedCost()
    {
        return 0 != objectiveNs && fixedNs >= objectiveNs / 2;
    }

    long fixedNs()
    {
        return fixedNs;
    }

    long bytesPerSecond()
    {
        return bytesPerSecond;
    }

    long objectiveNs()
    {
        return objectiveNs;
    }
}
