/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.KillPoints;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.TidemarkException;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ArchiveException;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The recovery step that replays the recording onto the restored snapshot, exactly once, and cuts a torn tail: it
 * asks the archive to replay [from, stop), applies each change message through a {@link LogReplayer}, fails the open
 * on any refusal (a broken sequence, a malformed message, a full table) or on a stall longer than
 * {@link DurableStoreContext#recoveryTimeoutNs()}, and truncates the recording where its last message is torn or
 * damaged. Runs once, on the opening thread.
 */
final class RecordingReplay
{
    /**
     * What the replay did.
     *
     * @param stop        the position the recording now stops at (after any cut).
     * @param messages    messages applied.
     * @param durationNs  nanoseconds from the start of the check of the files to the last message applied, 0 if there
     *                    was nothing to replay.
     * @param truncatedAt the position the tail was cut at, or -1.
     */
    record Result(long stop, long messages, long durationNs, long truncatedAt)
    {
    }

    private final DurableStoreContext ctx;
    private final StateStore store;
    private final AeronArchive archive;
    private final long recordingId;
    private final ChangeMessageFlyweight message;
    private final ErrorHandler errorHandler;

    RecordingReplay(
        final DurableStoreContext ctx,
        final StateStore store,
        final AeronArchive archive,
        final long recordingId,
        final ChangeMessageFlyweight message,
        final ErrorHandler errorHandler)
    {
        this.ctx = ctx;
        this.store = store;
        this.archive = archive;
        this.recordingId = recordingId;
        this.message = message;
        this.errorHandler = errorHandler;
    }

    /**
     * Replay from the snapshot's position to the stop, or to the first damaged frame the check found, and cut the
     * tail there if nothing whole follows it.
     *
     * @param recording the recording as the catalog describes it.
     * @param files     its files, or null when the store cannot reach them.
     * @param check     what the check of the files found (null when they were not checked).
     * @param from      the snapshot's position.
     * @param startNs   when the check of the files began: the frame walk is part of the replay's cost.
     * @return the new stop, the count applied, and where the tail was cut.
     */
    Result run(
        final RecordingIdentity recording,
        final RecordingFiles files,
        final RecordingCheck check,
        final long from,
        final long startNs)
    {
        final long stop = recording.stopPosition();
        final long tornAt = null == check ? -1 : check.badPosition();
        final long replayStop = tornAt >= 0 ? tornAt : stop;
        long messages = 0;
        long durationNs = 0;
        long truncatedAt = null == check ? -1 : check.truncatedAt();
        long newStop = replayStop;
        if (from < replayStop)
        {
            final LogReplayer replayer = new LogReplayer(store, message, store.newBatch());
            newStop = replay(replayer, from, replayStop, null == check ? -1 : check.dataEnd());
            messages = replayer.applied();
            durationNs = System.nanoTime() - startNs;
            if (newStop != replayStop)
            {
                truncatedAt = newStop;
            }
        }
        if (tornAt >= 0 && newStop == tornAt)
        {
            newStop = cutTail(tornAt, check.badReason() + ", and no whole frame follows it before the catalog's " +
                "stop=" + stop + ". After an OS crash or power loss this is the tail the disk never held (not " +
                "acknowledged at SYNCED); after a process crash alone it is damage, and writes acknowledged from " +
                "this position on are lost", files, recording.streamId());
            truncatedAt = newStop;
        }
        return new Result(newStop, messages, durationNs, truncatedAt);
    }

    private long replay(final LogReplayer replayer, final long from, final long stop, final long dataEnd)
    {
        replayer.reset(from);
        final FragmentAssembler assembler = new FragmentAssembler(replayer);
        try (Subscription subscription = archive.replay(
            recordingId, from, stop - from, ctx.replayChannel(), ctx.replayStreamId()))
        {
            final IdleStrategy idle = new BackoffIdleStrategy();
            final long appearDeadline = System.nanoTime() + ctx.recoveryTimeoutNs();
            while (0 == subscription.imageCount())
            {
                checkDeadline(appearDeadline, "replay image never appeared");
                idle.idle();
            }
            final Image image = subscription.imageAtIndex(0);
            if (image.joinPosition() != from)
            {
                throw new TidemarkException(TidemarkException.Category.FATAL,
                    "replay joined at position=" + image.joinPosition() + ", expected " + from + ": dir=" +
                    ctx.dir());
            }
            // The bound is on a stall, not on the whole replay: a long log that keeps moving is never cut off.
            long progressDeadline = System.nanoTime() + ctx.recoveryTimeoutNs();
            boolean halfway = false;
            while (image.position() < stop)
            {
                final int fragments = image.poll(assembler, 1024);
                checkRefused(replayer);
                if (0 == fragments)
                {
                    if (image.isClosed() || image.isEndOfStream())
                    {
                        if (image.position() < stop)
                        {
                            throw new TidemarkException(TidemarkException.Category.FATAL,
                                "replay of recording " + recordingId + " ended early at position=" +
                                image.position() + ", stop=" + stop + ": dir=" + ctx.dir());
                        }
                        break;
                    }
                    checkDeadline(progressDeadline, "replay made no progress at position=" + image.position() +
                        " (stop=" + stop + ")");
                    idle.idle();
                }
                else
                {
                    progressDeadline = System.nanoTime() + ctx.recoveryTimeoutNs();
                    idle.reset();
                }
                if (!halfway && image.position() - from >= (stop - from) / 2)
                {
                    halfway = true;
                    KillPoints.reach(KillPoints.RECOVERY_MID_REPLAY);
                }
            }
        }
        checkRefused(replayer);

        if (replayer.badPosition() >= 0)
        {
            if (replayer.validAfterBadPosition() >= 0)
            {
                throw new TidemarkException(TidemarkException.Category.FATAL,
                    "corrupt change message at position=" + replayer.badPosition() + " (" +
                    replayer.badReason() + ") followed by a valid message at position=" +
                    replayer.validAfterBadPosition() + " in recording " + recordingId +
                    ": the log is damaged in the middle, recovery refused; dir=" + ctx.dir());
            }
            return cutTail(replayer.badPosition(), "the last change message, at position=" +
                replayer.badPosition() + ", is a whole frame whose content is damaged (" + replayer.badReason() +
                ") and no valid message follows it. After an OS crash or power loss this is a write the disk only " +
                "partly held (not acknowledged at SYNCED); otherwise it is damage, and that write, if it was " +
                "acknowledged, is lost");
        }
        if (replayer.nextPosition() < stop && dataEnd >= 0 && replayer.nextPosition() >= dataEnd)
        {
            return stop; // only padding after the last message: the image never delivers a padding frame
        }
        if (replayer.nextPosition() < stop)
        {
            return cutTail(replayer.nextPosition(), "the recording ends inside a change message: fragments " +
                "from position=" + replayer.nextPosition() + " to stop=" + stop + " never complete one (a message " +
                "longer than one MTU torn by a crash before its last fragment was recorded, so never acknowledged)");
        }
        return stop;
    }

    private void checkRefused(final LogReplayer replayer)
    {
        final TidemarkException failure = replayer.failure();
        if (null != failure)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "replay of recording " + recordingId + " refused at position=" + replayer.failurePosition() + ": " +
                failure.getMessage() + "; dir=" + ctx.dir(), failure);
        }
    }

    private long cutTail(final long cut, final String why, final RecordingFiles files, final int streamId)
    {
        if (ctx.embedded())
        {
            // The archive truncates only at a frame header of this stream; a torn one is rewritten first. Only for
            // the archive this store launched and owns, whose previous owner the store's lock proved dead.
            try
            {
                files.prepareTruncate(cut, streamId);
            }
            catch (final IOException ex)
            {
                throw new TidemarkException(TidemarkException.Category.FATAL,
                    "cannot prepare the cut of recording " + recordingId + " at position=" + cut + " in " +
                    files.archiveDir() + ": dir=" + ctx.dir(), ex);
            }
        }
        try
        {
            return cutTail(cut, why);
        }
        catch (final RuntimeException ex)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " must be cut at position=" + cut + " (" + why + ") but the archive " +
                "refused to truncate it there; truncate it with ArchiveTool or restore the archive; dir=" +
                ctx.dir(), ex);
        }
    }

    private long cutTail(final long cut, final String why)
    {
        errorHandler.onError(new TidemarkException(TidemarkException.Category.ERROR,
            "recording " + recordingId + " truncated at position=" + cut + ": " + why + "; dir=" + ctx.dir()));
        final long deadline = System.nanoTime() + ctx.recoveryTimeoutNs();
        while (true)
        {
            try
            {
                archive.truncateRecording(recordingId, cut);
                break;
            }
            catch (final ArchiveException ex)
            {
                // An archive of its own threads may still be closing the replay session that just ended.
                if (null == ex.getMessage() || !ex.getMessage().contains("active replay") ||
                    System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        return cut;
    }

    private void checkDeadline(final long deadline, final String what)
    {
        Recovery.checkDeadline(deadline, ctx, what);
    }
}
