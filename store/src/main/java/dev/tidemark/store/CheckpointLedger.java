/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * The writer's account of its checkpoints: which slot holds the newest committed one and what its record says, the
 * one in flight to the other slot, the lowest position a restart may need, and how the last one ended. Starts a
 * checkpoint (the dirty set of the target slot becomes the pending set, the request goes to the {@link Checkpointer})
 * and takes its result. Writer thread only; the {@link StateStore} checks its caller before it calls here.
 */
final class CheckpointLedger
{
    private final int pageCount;
    private final PageTracker tracker;
    private final Checkpointer checkpointer;
    private final SlotRecord latestCommitted = new SlotRecord();
    private final SlotRecord pendingRecord = new SlotRecord();
    private int latestSlot;
    private long retainedPosition;
    private long nextCheckpointId;
    private boolean inFlight;
    private long checkpointsCommitted;
    private long checkpointsAborted;
    private long lastCheckpointDurationNs;
    private int lastCheckpointPagesCopied;
    private int lastCheckpointFlushes;

    CheckpointLedger(
        final HeaderFile header,
        final int restoredSlot,
        final int pageCount,
        final PageTracker tracker,
        final Checkpointer checkpointer)
    {
        this.pageCount = pageCount;
        this.tracker = tracker;
        this.checkpointer = checkpointer;
        final SlotRecord record = header.record(restoredSlot);
        latestCommitted.set(record);
        latestSlot = restoredSlot;
        final SlotRecord other = header.record(1 - restoredSlot);
        retainedPosition = other.isCommitted() ? Math.min(other.position, record.position) : record.position;
        nextCheckpointId = Math.max(header.record(0).checkpointId, header.record(1).checkpointId) + 1;
        tracker.markAllDirty(1 - restoredSlot);
    }

    /**
     * Start a checkpoint of the state described, into the slot not holding the newest committed one.
     *
     * @return false, starting nothing, if one is still in flight.
     */
    boolean start(
        final long position,
        final long sequence,
        final int entryCount,
        final LogIdentity log)
    {
        if (inFlight)
        {
            return false;
        }
        final int target = 1 - latestSlot;
        pendingRecord.checkpointId = nextCheckpointId++;
        pendingRecord.position = position;
        pendingRecord.sequence = sequence;
        pendingRecord.entryCount = entryCount;
        pendingRecord.pageCount = pageCount;
        pendingRecord.pageTableCrc = 0;
        pendingRecord.recordingId = log.recordingId();
        pendingRecord.initialTermId = log.initialTermId();
        pendingRecord.termLength = log.termLength();
        pendingRecord.mtuLength = log.mtuLength();
        tracker.beginCheckpoint(target);
        checkpointer.submit(pendingRecord);
        inFlight = true;
        return true;
    }

    /**
     * Take the result of the checkpoint in flight, if it has ended.
     *
     * @return true if a checkpoint ended and committed in this call.
     */
    boolean poll()
    {
        if (inFlight && checkpointer.isComplete())
        {
            inFlight = false;
            final int status = checkpointer.resultStatus();
            tracker.endCheckpoint(Checkpointer.STATUS_COMMITTED == status);
            lastCheckpointDurationNs = checkpointer.resultDurationNs();
            lastCheckpointPagesCopied = checkpointer.resultPagesCopied();
            lastCheckpointFlushes = checkpointer.resultFlushes();
            if (Checkpointer.STATUS_COMMITTED == status)
            {
                latestSlot = 1 - latestSlot;
                retainedPosition = latestCommitted.position;
                latestCommitted.set(pendingRecord);
                checkpointsCommitted++;
                return true;
            }
            checkpointsAborted++;
        }
        return false;
    }

    boolean isInFlight()
    {
        return inFlight;
    }

    /**
     * @return true if the state described differs from the newest committed checkpoint's record.
     */
    boolean differsFromLatest(final long sequence, final long position, final LogIdentity log)
    {
        return sequence != latestCommitted.sequence || position != latestCommitted.position ||
            log.recordingId() != latestCommitted.recordingId || log.initialTermId() != latestCommitted.initialTermId ||
            log.termLength() != latestCommitted.termLength || log.mtuLength() != latestCommitted.mtuLength;
    }

    /**
     * @return the record of the newest committed checkpoint; read only.
     */
    SlotRecord latestCommitted()
    {
        return latestCommitted;
    }

    /**
     * @return the record of the checkpoint last started; read only.
     */
    SlotRecord lastStarted()
    {
        return pendingRecord;
    }

    long retainedPosition()
    {
        return retainedPosition;
    }

    long checkpointsCommitted()
    {
        return checkpointsCommitted;
    }

    long checkpointsAborted()
    {
        return checkpointsAborted;
    }

    long lastCheckpointDurationNs()
    {
        return lastCheckpointDurationNs;
    }

    int lastCheckpointPagesCopied()
    {
        return lastCheckpointPagesCopied;
    }

    int lastCheckpointFlushes()
    {
        return lastCheckpointFlushes;
    }

    int dirtyPagesOfNextTarget()
    {
        return tracker.dirtyCount(1 - latestSlot);
    }
}
