/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;

/**
 * The background half of a checkpoint, as a state machine: copies the pages still pending from the live region into
 * the target slot, waits until the log is durable to the checkpoint's position, writes the slot's copy of the header
 * to be, forces the slot, then writes and forces its header record. Who copies which page, the writer or this agent,
 * is settled in {@link CheckpointHandshake}.
 * <p>
 * Threading: {@link #submit} and the result getters are called by the writer thread; {@link #doWork()} by the
 * checkpointer thread ({@link CheckpointerThread}), or through an {@code AgentInvoker} by a thread of the user's and by
 * the writer waiting in {@code awaitCheckpoint}. One duty cycle runs at a time, whoever calls: a call that finds
 * another thread inside one returns 0 at once (the handshake's driver guard, taken with a CAS and given back with a
 * release store, through which the agent's plain fields pass from one driver to the next).
 */
final class Checkpointer implements Agent
{
    static final int STATUS_NONE = 0;
    static final int STATUS_COMMITTED = 1;
    static final int STATUS_ABORTED = 2;
    static final int STATUS_FAILED = 3;

    private static final int IDLE = 0;
    private static final int COPYING = 1;
    private static final int AWAITING_COPIES = 2;
    private static final int AWAITING_DURABLE = 3;
    private static final int COMMITTING = 4;
    private static final int AWAITING_COMMIT = 5;

    private static final int FLUSH_OK = 0;
    private static final int FLUSH_RUNNING = 1;
    private static final int FLUSH_FAILED = 2;

    private final CheckpointHandshake handshake;
    private final SnapshotSlot[] slots;
    private final HeaderFile header;
    private final DurableLog durableLog;
    private final ErrorHandler errorHandler;
    private final NanoClock clock;
    private final long durableTimeoutNs;
    private final int pagesPerDutyCycle;
    private final CheckpointWriteBack writeBack;
    private final CheckpointForcer forcer;
    private final CheckpointForcer.Task flushTask = this::flushSubmitted;
    private SnapshotSlot flushSlot; // written before the submit that publishes it to the forcer's thread
    private final CheckpointForcer.Task commitTask = this::commitWork;

    private final PageChecksum checksum = new PageChecksum();
    private final SlotRecord committing = new SlotRecord();
    private int phase = IDLE;
    private long deadlineNs;
    private int pagesCopied;
    private int flushes;

    private volatile long submittedCount;
    private volatile long completedCount;
    private volatile Throwable fatalError;

    // The request: written by the writer before submittedCount is incremented, read by the agent after.
    private long requestStartNs;
    private final SlotRecord requestRecord = new SlotRecord();

    // The result: written by the agent before completedCount is incremented, read by the writer after.
    private int resultStatus = STATUS_NONE;
    private Throwable resultCause;
    private long resultDurationNs;
    private int resultPagesCopied;
    private int resultFlushes;

    Checkpointer(
        final CheckpointHandshake handshake,
        final SnapshotSlot[] slots,
        final HeaderFile header,
        final DurableLog durableLog,
        final ErrorHandler errorHandler,
        final NanoClock clock,
        final long durableTimeoutNs,
        final int pagesPerDutyCycle,
        final CheckpointWriteBack writeBack,
        final CheckpointForcer forcer)
    {
        this.handshake = handshake;
        this.slots = slots;
        this.header = header;
        this.durableLog = durableLog;
        this.errorHandler = errorHandler;
        this.clock = clock;
        this.durableTimeoutNs = durableTimeoutNs;
        this.pagesPerDutyCycle = pagesPerDutyCycle;
        this.writeBack = writeBack;
        this.forcer = forcer;
    }

    public String roleName()
    {
        return "tidemark-checkpointer";
    }

    // ---------------------------------------------------------------- writer side

    /**
     * Hand a checkpoint to the agent. The writer has already handed its pending set to the handshake.
     */
    void submit(final SlotRecord record)
    {
        requestRecord.set(record);
        requestStartNs = clock.nanoTime();
        submittedCount = submittedCount + 1;
    }

    boolean isComplete()
    {
        return completedCount == submittedCount;
    }

    int resultStatus()
    {
        return resultStatus;
    }

    Throwable resultCause()
    {
        return resultCause;
    }

    long resultDurationNs()
    {
        return resultDurationNs;
    }

    int resultPagesCopied()
    {
        return resultPagesCopied;
    }

    int resultFlushes()
    {
        return resultFlushes;
    }

    Throwable fatalError()
    {
        return fatalError;
    }

    void fail(final Throwable cause)
    {
        if (null == fatalError)
        {
            fatalError = cause;
        }
    }

    /**
     * Writer, on close: wait until no thread is inside a duty cycle, then let none in again, so that the slots and
     * the header can be unmapped and closed under no one. Waits as long as a duty cycle takes (a force, at worst).
     */
    void closeDriving(final IdleStrategy idleStrategy)
    {
        handshake.writerCloseCopier(idleStrategy);
        closeForcer();
    }

    /**
     * Stop the forcer's thread, if there is one, once its task under way ended.
     */
    void closeForcer()
    {
        if (null != forcer)
        {
            forcer.close();
        }
    }

    // ---------------------------------------------------------------- agent side

    public int doWork()
    {
        if (!handshake.copierEnter())
        {
            return 0;
        }
        try
        {
            if (null != fatalError)
            {
                // Fail-stop (an Error in an earlier duty cycle, say): no more copying and never a commit; a
                // checkpoint in progress ends failed with the cause, so that a waiting writer hears of it.
                if (IDLE != phase || completedCount != submittedCount)
                {
                    complete(STATUS_FAILED, fatalError); // one in progress, or submitted and not yet begun
                }
                return 0;
            }
            return dutyCycle();
        }
        finally
        {
            handshake.copierExit();
        }
    }

    private int dutyCycle()
    {
        switch (phase)
        {
            case IDLE:
                if (completedCount == submittedCount)
                {
                    return 0;
                }
                phase = COPYING;
                handshake.copierBegin();
                writeBack.begin(clock.nanoTime());
                pagesCopied = 0;
                flushes = 0;
                return 1;

            case COPYING:
                return copy(true);

            case AWAITING_COPIES:
                final int drained = copy(false);
                if (AWAITING_COPIES == phase && handshake.copierAllCopied())
                {
                    phase = AWAITING_DURABLE;
                    deadlineNs = clock.nanoTime() + durableTimeoutNs;
                    return 1;
                }
                return drained;

            case AWAITING_DURABLE:
                return awaitDurable();

            case COMMITTING:
                return commit();

            case AWAITING_COMMIT:
                return awaitCommit();

            default:
                throw new IllegalStateException("unknown phase: " + phase);
        }
    }

    /**
     * One duty cycle of copying: the writer's pre-images first (they free its ring), then, while scanning, pending
     * pages from the live region as the write-back rate allows; a force of the slot when enough is unforced.
     */
    private int copy(final boolean scanning)
    {
        final int target = handshake.copierTarget();
        try
        {
            int written = handshake.copierDrainPreImages(pagesPerDutyCycle);
            boolean forceDue = writeBack.onWritten(written);
            if (scanning)
            {
                final int allowed = writeBack.allowance(clock.nanoTime(), pagesPerDutyCycle);
                if (allowed > 0)
                {
                    final int copied = handshake.copierCopyPending(allowed);
                    forceDue |= writeBack.onWritten(copied);
                    written += copied;
                }
                if (handshake.copierScanDone())
                {
                    phase = AWAITING_COPIES;
                }
            }
            pagesCopied += written;
            if (null != forcer && forcer.isIdle())
            {
                final Throwable flushFailure = forcer.takeFailure();
                if (null != flushFailure)
                {
                    throw flushFailure instanceof IOException ? (IOException)flushFailure :
                        new IOException("slot force failed", flushFailure);
                }
            }
            if (forceDue)
            {
                if (null == forcer)
                {
                    slots[target].force();
                    writeBack.onForced();
                    flushes++;
                }
                else if (forcer.isIdle())
                {
                    flushSlot = slots[target];
                    forcer.submit(flushTask);
                    writeBack.onForced();
                    flushes++;
                }
            }
            return written;
        }
        catch (final IOException | RuntimeException ex)
        {
            final TidemarkException failure = new TidemarkException(
                TidemarkException.Category.FATAL,
                "checkpoint at position=" + requestRecord.position + " failed writing slot " +
                SlotDescriptor.slotName(target) + " (" + slots[target].file() + "), store is fail-stop: no " +
                "further writes or checkpoints", ex);
            fail(failure);
            complete(STATUS_FAILED, failure);
            return 1;
        }
    }

    private int awaitDurable()
    {
        final long position = requestRecord.position;
        if (durableLog.durablePosition() >= position)
        {
            phase = COMMITTING;
            return 1;
        }
        if (clock.nanoTime() - deadlineNs > 0)
        {
            // A flush of this checkpoint's slot still under way ends first, and its outcome is this checkpoint's:
            // none outlives the checkpoint it belongs to, to be taken for the next one's.
            final int flush = flushOutcome();
            if (FLUSH_OK != flush)
            {
                return FLUSH_RUNNING == flush ? 0 : 1;
            }
            complete(STATUS_ABORTED, new TidemarkException(
                TidemarkException.Category.ERROR,
                "checkpoint aborted: log not durable to position=" + position + " within " +
                (durableTimeoutNs / 1_000_000) + " ms (durable position=" + durableLog.durablePosition() +
                "), slot " + SlotDescriptor.slotName(handshake.copierTarget()) +
                " keeps no image until the next checkpoint"));
        }
        return 0;
    }

    private void flushSubmitted() throws IOException
    {
        flushSlot.force();
    }

    /**
     * The forcer's last flush: still running, failed (the checkpoint failed with it), or none pending or ended well.
     */
    private int flushOutcome()
    {
        if (null == forcer)
        {
            return FLUSH_OK;
        }
        if (!forcer.isIdle())
        {
            return FLUSH_RUNNING;
        }
        final Throwable flushFailure = forcer.takeFailure();
        if (null != flushFailure)
        {
            commitFailed(flushFailure);
            return FLUSH_FAILED;
        }
        return FLUSH_OK;
    }

    /**
     * Commit inline, or hand the commit to the forcer once a flush it runs has ended.
     */
    private int commit()
    {
        if (null == forcer)
        {
            try
            {
                commitWork();
                complete(STATUS_COMMITTED, null);
            }
            catch (final IOException | RuntimeException ex)
            {
                commitFailed(ex);
            }
            return 1;
        }
        final int flush = flushOutcome();
        if (FLUSH_OK != flush)
        {
            return FLUSH_RUNNING == flush ? 0 : 1;
        }
        forcer.submit(commitTask);
        phase = AWAITING_COMMIT;
        return 1;
    }

    private int awaitCommit()
    {
        if (!forcer.isIdle())
        {
            return 0;
        }
        final Throwable failure = forcer.takeFailure();
        if (null == failure)
        {
            complete(STATUS_COMMITTED, null);
        }
        else
        {
            commitFailed(failure);
        }
        return 1;
    }

    /**
     * The blocking part of a commit: the log forced to the checkpoint's position, the slot's CRC table and header
     * copy, the slot forced, the header record written and forced. On the forcer's thread if there is one.
     */
    private void commitWork() throws IOException
    {
        final int target = handshake.copierTarget();
        final SnapshotSlot slot = slots[target];
        durableLog.forceTo(requestRecord.position);
        // Every page is in the slot, so its CRC table is final: the record, and the header copy the slot keeps
        // (forced with the image, before the header commit) can be made now.
        committing.set(requestRecord);
        committing.pageTableCrc = slot.pageTableCrc(checksum);
        header.prepareCommit(target, committing);
        slot.writeHeaderCopy(header.preparedCopy());
        KillPoints.reach(KillPoints.CHECKPOINT_BEFORE_DATA_FORCE);
        slot.force();
        KillPoints.reach(KillPoints.CHECKPOINT_AFTER_DATA_FORCE);
        header.writeCommit();
        KillPoints.reach(KillPoints.CHECKPOINT_AFTER_HEADER_FORCE);
    }

    private void commitFailed(final Throwable ex)
    {
        final int target = handshake.copierTarget();
        final SnapshotSlot slot = slots[target];
        final TidemarkException failure = new TidemarkException(
            TidemarkException.Category.FATAL,
            "checkpoint at position=" + requestRecord.position + " to slot " + SlotDescriptor.slotName(target) +
            " failed (log force, " + slot.file() + ", header " + header.file() + "), store is fail-stop: no " +
            "further writes or checkpoints", ex);
        fail(failure);
        complete(STATUS_FAILED, failure);
    }

    private void complete(final int status, final Throwable cause)
    {
        resultStatus = status;
        resultCause = cause;
        resultDurationNs = clock.nanoTime() - requestStartNs;
        resultPagesCopied = pagesCopied;
        resultFlushes = flushes;
        phase = IDLE;
        completedCount = completedCount + 1;
        if (null != cause)
        {
            errorHandler.onError(cause);
        }
    }
}
