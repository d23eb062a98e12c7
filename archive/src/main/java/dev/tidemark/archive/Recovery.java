/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.KillPoints;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreKind;
import dev.tidemark.store.TidemarkException;
import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ArchiveException;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.tidemark.archive.ChangeMessageDescriptor.HEADER_LENGTH;

/**
 * Opening a durable store: restore the snapshot, start or connect the archive, replay the recording from the
 * snapshot's position, extend it. Holds what each step made, so that a failure releases everything.
 */
final class Recovery
{
    StateStore store;
    EmbeddedArchive embeddedArchive;
    Aeron aeron;
    AeronArchive archive;
    ExclusivePublication publication;
    long recordingId = RecordingPos.NULL_RECORDING_ID;
    long recordingSubscriptionId;
    int recordingCounterId;
    long recordingStartPosition;
    long segmentFileLength;
    ChangeMessageFlyweight message;
    StoreBatch applyView;
    long replayed;
    long replayDurationNs;
    long recoveryDurationNs;
    long truncatedAt = -1;
    private long scannedDataEnd = -1;
    CountingErrorHandler errorCounter;
    final RecordingDurableLog durableLog = new RecordingDurableLog();
    RecordingForcer forcer;

    void open(final DurableStore.Context ctx)
    {
        final long startNs = System.nanoTime();
        if (!ctx.embedded() && null != ctx.archiveDirectory() &&
            !new File(ctx.archiveDirectory(), RecordingFiles.CATALOG_FILE_NAME).exists())
        {
            throw new TidemarkException(TidemarkException.Category.ERROR,
                "archiveDirectory holds no archive catalog, so it is not the external archive's directory: " +
                "archiveDirectory=" + ctx.archiveDirectory() + " dir=" + ctx.dir());
        }
        errorCounter = new CountingErrorHandler(ctx.errorHandler());
        final StoreContext storeCtx = new StoreContext()
            .dir(ctx.dir())
            .kind(StoreKind.DURABLE)
            .errorHandler(errorCounter)
            .durableLog(durableLog)
            .checkpointDurableTimeoutNs(ctx.durableTimeoutNs());
        if (StoreContext.UNSET != ctx.keyLength())
        {
            storeCtx.keyLength(ctx.keyLength());
        }
        if (StoreContext.UNSET != ctx.maxValueLength())
        {
            storeCtx.maxValueLength(ctx.maxValueLength());
        }
        if (StoreContext.UNSET != ctx.capacity())
        {
            storeCtx.capacity(ctx.capacity());
        }
        store = StateStore.open(storeCtx);

        final String aeronDir;
        if (ctx.embedded())
        {
            aeronDir = null != ctx.aeronDirectoryName() ? ctx.aeronDirectoryName() :
                CommonContext.getAeronDirectoryName() + "-tidemark-" + Long.toHexString(store.storeId());
            embeddedArchive = EmbeddedArchive.launch(
                aeronDir, new File(ctx.dir(), EmbeddedArchive.DIRECTORY_NAME), ctx.archiveId(), ctx.archiveFileSyncLevel(),
                ctx.segmentFileLength(), ctx.termLength(), ctx.lowStorageThreshold(), errorCounter);
        }
        else
        {
            aeronDir = ctx.aeronDirectoryName();
        }

        aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .errorHandler(errorCounter));
        archive = AeronArchive.connect(new AeronArchive.Context()
            .aeron(aeron)
            .ownsAeronClient(false)
            .controlRequestChannel(ctx.controlRequestChannel())
            .controlRequestStreamId(ctx.controlRequestStreamId())
            .controlResponseChannel(ctx.controlResponseChannel())
            .errorHandler(errorCounter));

        final int maxMessageLength = HEADER_LENGTH + BatchDescriptor.operationLength(
            store.keyLength(), BatchDescriptor.PUT, store.maxValueLength()) * 2 + 4096;
        message = new ChangeMessageFlyweight(maxMessageLength);
        applyView = store.newBatch();

        if (0 == store.logTermLength() && store.statistics().restoredFromFallback())
        {
            adoptRecording(ctx);
            recoverAndExtend(ctx);
        }
        else if (0 == store.logTermLength())
        {
            startNewRecording(ctx);
        }
        else
        {
            recoverAndExtend(ctx);
        }
        recoveryDurationNs = System.nanoTime() - startNs;
    }

    private static int newSessionId()
    {
        int sessionId;
        do
        {
            sessionId = new java.security.SecureRandom().nextInt();
        }
        while (0 == sessionId);
        return sessionId;
    }

    private void startNewRecording(final DurableStore.Context ctx)
    {
        final String channel = new ChannelUriStringBuilder()
            .media(CommonContext.IPC_MEDIA)
            .termLength(ctx.termLength())
            .mtu(ctx.mtuLength())
            .sessionId(newSessionId())
            .build();
        recordingSubscriptionId = archive.startRecording(channel, ctx.streamId(), SourceLocation.LOCAL, true);
        publication = aeron.addExclusivePublication(channel, ctx.streamId());
        recordingCounterId = awaitRecordingCounter(ctx, publication.sessionId());
        recordingId = RecordingPos.getRecordingId(aeron.countersReader(), recordingCounterId);
        recordingStartPosition = publication.position();
        segmentFileLength = ctx.segmentFileLength();
        store.logIdentity(recordingId, publication.initialTermId(), publication.termBufferLength(),
            ctx.mtuLength());
        store.logPosition(publication.position());
        // The recording's identity must be durable before any write is acknowledged against it.
        bindDurableLog(ctx, recordingStartPosition);
        store.checkpointAndAwait();
    }

    /**
     * The newest snapshot is damaged and the older one is the store's creation image, taken before the store had a
     * recording: it names none. Starting a new recording would open an empty store in place of this one. The
     * embedded archive belongs to this store alone, and every recording in it started at position 0 from the
     * creation image; the newest is the one the store's acknowledged writes went to (each later open extends it).
     * Replaying it whole from the creation image rebuilds the state.
     */
    private void adoptRecording(final DurableStore.Context ctx)
    {
        if (!ctx.embedded())
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "the newest snapshot is damaged and the only valid one is the store's creation image, which names " +
                "no recording; an external archive may hold other stores' recordings, so this store's cannot be " +
                "told apart: recovery refused (restore the damaged slot, or the header copy with StoreTool " +
                "restore-header); dir=" + ctx.dir());
        }
        final RecordingDescription description = new RecordingDescription();
        final long[] newest = { RecordingPos.NULL_RECORDING_ID };
        archive.listRecordingsForUri(0, Integer.MAX_VALUE, CommonContext.IPC_CHANNEL, ctx.streamId(),
            (controlSessionId, correlationId, recordingId, startTimestamp, stopTimestamp, startPosition,
            stopPosition, initialTermId, segmentFileLength, termBufferLength, mtuLength, sessionId, streamId,
            strippedChannel, originalChannel, sourceIdentity) ->
            {
                if (recordingId > newest[0] && 0 == startPosition)
                {
                    newest[0] = recordingId;
                    description.onRecordingDescriptor(controlSessionId, correlationId, recordingId, startTimestamp,
                        stopTimestamp, startPosition, stopPosition, initialTermId, segmentFileLength,
                        termBufferLength, mtuLength, sessionId, streamId, strippedChannel, originalChannel,
                        sourceIdentity);
                }
            });
        if (RecordingPos.NULL_RECORDING_ID == newest[0] || 0 != store.lastPosition())
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "the newest snapshot is damaged and the only valid one is the store's creation image, but the " +
                "embedded archive holds no recording of stream " + ctx.streamId() + " from position 0 to replay " +
                "onto it: recovery refused (restore the damaged slot); dir=" + ctx.dir());
        }
        errorCounter.onError(new TidemarkException(TidemarkException.Category.ERROR,
            "the newest snapshot is damaged and the older one is the store's creation image: replaying recording " +
            newest[0] + " whole from position 0 onto it; dir=" + ctx.dir()));
        store.logIdentity(newest[0], description.initialTermId, description.termBufferLength,
            description.mtuLength);
    }

    private void recoverAndExtend(final DurableStore.Context ctx)
    {
        recordingId = store.logRecordingId();
        final RecordingDescription description = describe(ctx);
        if (AeronArchive.NULL_POSITION == description.stopPosition)
        {
            // An external archive may still be recording us from before a crash.
            archive.tryStopRecordingByIdentity(recordingId);
            awaitStopped(ctx, description);
        }
        recordingStartPosition = description.startPosition;
        segmentFileLength = description.segmentFileLength;
        long stop = description.stopPosition;
        final long restored = store.lastPosition();

        if (restored < description.startPosition)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " starts at position=" + description.startPosition +
                ", past the snapshot's position=" + restored + ": the log it needs was purged; dir=" + ctx.dir());
        }
        if (restored > stop)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "snapshot at position=" + restored + " is ahead of recording " + recordingId +
                " which stops at position=" + stop + ": the archive lost acknowledged log; dir=" + ctx.dir());
        }

        checkLogIdentity(ctx, description);
        final File archiveDir = archiveDirectory(ctx);
        final RecordingFiles files = null == archiveDir ? null : new RecordingFiles(archiveDir, recordingId,
            description.startPosition, description.termBufferLength, description.segmentFileLength,
            description.initialTermId);
        final long replayStartNs = System.nanoTime(); // the frame walk is part of the replay's cost
        long tornAt = -1;
        String tornReason = null;
        if (null != archiveDir)
        {
            final RecordingScan scan = scan(ctx, files, restored, stop);
            scannedDataEnd = scan.dataEnd();
            if (scan.badPosition() >= 0)
            {
                // Never ask the archive to replay a damaged frame (its replay can spin on one): replay up to it.
                tornAt = scan.badPosition();
                tornReason = scan.badReason();
            }
        }

        final long replayStop = tornAt >= 0 ? tornAt : stop;
        if (restored < replayStop)
        {
            stop = replay(ctx, restored, replayStop);
            replayDurationNs = System.nanoTime() - replayStartNs;
        }
        else
        {
            stop = replayStop;
        }
        if (tornAt >= 0 && stop == tornAt)
        {
            stop = cutTail(ctx, tornAt, tornReason + ", and no whole frame follows it before the catalog's stop=" +
                description.stopPosition + ". After an OS crash or power loss this is the tail the disk never " +
                "held (not acknowledged at SYNCED); after a process crash alone it is damage, and writes " +
                "acknowledged from this position on are lost", files, description.streamId);
        }
        if (ctx.embedded())
        {
            // Nothing of the recording may lie past the stop it is extended from, or a later recovery could read
            // stale frames (past a hole, or left by a failed fsync) as the extension's.
            try
            {
                files.eraseAfter(stop);
            }
            catch (final IOException ex)
            {
                throw new TidemarkException(TidemarkException.Category.FATAL,
                    "cannot erase recording " + recordingId + " past its stop=" + stop + " in " + archiveDir +
                    " before extending it: dir=" + ctx.dir(), ex);
            }
        }
        KillPoints.reach(KillPoints.RECOVERY_BEFORE_RESUME);

        // A session of our own: the image a dead writer left in an external driver must not be taken for ours.
        final String channel = new ChannelUriStringBuilder()
            .media(CommonContext.IPC_MEDIA)
            .mtu(description.mtuLength)
            .initialPosition(stop, description.initialTermId, description.termBufferLength)
            .sessionId(newSessionId())
            .build();
        recordingSubscriptionId = archive.extendRecording(
            recordingId, channel, ctx.streamId(), SourceLocation.LOCAL, true);
        publication = aeron.addExclusivePublication(channel, ctx.streamId());
        recordingCounterId = awaitRecordingCounter(ctx, publication.sessionId());
        final long countedRecordingId = RecordingPos.getRecordingId(aeron.countersReader(), recordingCounterId);
        if (countedRecordingId != recordingId)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "extended recording counter carries recordingId=" + countedRecordingId + ", expected " +
                recordingId + ": dir=" + ctx.dir());
        }
        if (publication.position() != stop)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "extended publication starts at position=" + publication.position() + ", expected " + stop +
                ": dir=" + ctx.dir());
        }
        store.logPosition(stop);
        // The replayed range may be only in the page cache (a process crash): force it from the snapshot on.
        bindDurableLog(ctx, restored);
        if (null != forcer)
        {
            try
            {
                forcer.forceCatalog();
            }
            catch (final IOException ex)
            {
                throw new TidemarkException(TidemarkException.Category.FATAL,
                    "cannot force the archive's catalog after extending recording " + recordingId + ": dir=" +
                    ctx.dir(), ex);
            }
        }
    }

    private static File archiveDirectory(final DurableStore.Context ctx)
    {
        return ctx.embedded() ? new File(ctx.dir(), EmbeddedArchive.DIRECTORY_NAME) : ctx.archiveDirectory();
    }

    private void checkLogIdentity(final DurableStore.Context ctx, final RecordingDescription description)
    {
        if (description.termBufferLength != store.logTermLength() ||
            description.initialTermId != store.logInitialTermId() ||
            description.mtuLength != store.logMtuLength())
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " in the archive does not match the store's snapshot: termLength=" +
                description.termBufferLength + " initialTermId=" + description.initialTermId + " mtu=" +
                description.mtuLength + " in the catalog, termLength=" + store.logTermLength() + " initialTermId=" +
                store.logInitialTermId() + " mtu=" + store.logMtuLength() + " in the snapshot (another store's " +
                "archive, or a damaged catalog); dir=" + ctx.dir());
        }
    }

    private RecordingScan scan(
        final DurableStore.Context ctx, final RecordingFiles files, final long from, final long stop)
    {
        final File archiveDir = files.archiveDir();
        final long lastSegmentEnd = files.lastSegmentEnd();
        if (stop > from && stop > lastSegmentEnd)
        {
            // No crash leaves a stop past the segment files (the archive recovers a crashed recording's stop from
            // them). And asking the archive to truncate such a recording makes it list every segment up to the stop.
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " stops at position=" + stop + " in the catalog, past the end of its " +
                "segment files at position=" + lastSegmentEnd + ": the catalog is damaged or segment files were " +
                "lost; recovery refused (restore " + files.catalogFile() + " or the segment files); dir=" + ctx.dir());
        }
        final RecordingScan scan = new RecordingScan(files);
        try
        {
            scan.scan(from, stop);
        }
        catch (final IOException ex)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "cannot read recording " + recordingId + " in " + archiveDir + ": dir=" + ctx.dir(), ex);
        }
        if (scan.stopInsideFrame())
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " stops in its catalog at position=" + stop + ", which is not a frame " +
                "boundary: " + scan.badReason() + ". The catalog is damaged; recovery refused (restore " +
                archiveDir + "/archive.catalog); dir=" + ctx.dir());
        }
        if (scan.missingSegment())
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " is damaged: " + scan.badReason() + ", below the catalog's stop=" +
                stop + " (a segment file is never lost by a crash: the store forces each one before a checkpoint " +
                "or a stop depends on it); recovery refused, restore the file; dir=" + ctx.dir());
        }
        if (scan.badPosition() >= 0 && scan.frameAfterBadPosition() >= 0)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " is damaged in the middle: " + scan.badReason() + ", followed by a " +
                "whole frame at position=" + scan.frameAfterBadPosition() + " before the stop=" + stop +
                "; recovery refused; dir=" + ctx.dir());
        }
        final long hiddenFrom = scan.framesPastStopUntil() >= 0 ? stop : scan.frameAfterStop();
        final List<String> laterSegments = files.segmentsAfter(stop);
        if (hiddenFrom >= 0 || !laterSegments.isEmpty())
        {
            final String what = "recording " + recordingId + " stops at position=" + stop + " in the catalog, but " +
                "its segment files hold " + (scan.framesPastStopUntil() >= 0 ? "whole frames past it up to " +
                "position=" + scan.framesPastStopUntil() : hiddenFrom >= 0 ? "a whole frame at position=" +
                hiddenFrom + " past a hole at the stop" : "later segment files " + laterSegments);
            if (!ctx.embedded())
            {
                throw new TidemarkException(TidemarkException.Category.FATAL, what + ": written but never recorded " +
                    "as durable (a failed fsync, a power loss), or a damaged catalog hiding acknowledged writes; " +
                    "recovery refused (restore the catalog, or truncate the recording at its stop with ArchiveTool); " +
                    "dir=" + ctx.dir());
            }
            // Frames the recorder wrote but whose force failed (the recording then stops before them), or that follow a
            // page a power loss lost, look just like frames a damaged catalog hides. They were never acknowledged in the
            // first cases (at SYNCED each acknowledged frame was forced); in the last the store cannot know. They are
            // erased before the recording is extended (RecordingFiles.eraseAfter), or a later recovery could read them as its own.
            errorCounter.onError(new TidemarkException(TidemarkException.Category.ERROR,
                "recording " + recordingId + " truncated at position=" + stop + ": " + what + ", erased. They were " +
                "written but never recorded as durable (a failed fsync, or a power loss: not acknowledged at " +
                "SYNCED), or the catalog is damaged and writes acknowledged past position=" + stop + " are lost; " +
                "dir=" + ctx.dir()));
            truncatedAt = stop;
        }
        return scan;
    }

    private void bindDurableLog(final DurableStore.Context ctx, final long forcedPosition)
    {
        final File archiveDir = archiveDirectory(ctx);
        if (null != archiveDir)
        {
            forcer = new RecordingForcer(new RecordingFiles(archiveDir, recordingId, recordingStartPosition,
                publication.termBufferLength(), (int)segmentFileLength, publication.initialTermId()),
                recordingStartPosition, forcedPosition);
        }
        durableLog.bind(aeron.countersReader(), recordingCounterId, forcer);
    }

    private long replay(final DurableStore.Context ctx, final long from, final long stop)
    {
        final LogReplayer replayer = new LogReplayer(store, message, store.newBatch());
        replayer.reset(from);
        final FragmentAssembler assembler = new FragmentAssembler(replayer);
        try (Subscription subscription = archive.replay(
            recordingId, from, stop - from, ctx.replayChannel(), ctx.replayStreamId()))
        {
            final IdleStrategy idle = new BackoffIdleStrategy();
            final long appearDeadline = System.nanoTime() + ctx.recoveryTimeoutNs();
            while (0 == subscription.imageCount())
            {
                checkDeadline(appearDeadline, ctx, "replay image never appeared");
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
                checkRefused(replayer, ctx);
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
                    checkDeadline(progressDeadline, ctx, "replay made no progress at position=" + image.position() +
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
        checkRefused(replayer, ctx);
        replayed = replayer.applied();

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
            return cutTail(ctx, replayer.badPosition(), "the last change message, at position=" +
                replayer.badPosition() + ", is a whole frame whose content is damaged (" + replayer.badReason() +
                ") and no valid message follows it. After an OS crash or power loss this is a write the disk only " +
                "partly held (not acknowledged at SYNCED); otherwise it is damage, and that write, if it was " +
                "acknowledged, is lost");
        }
        if (replayer.nextPosition() < stop && scannedDataEnd >= 0 && replayer.nextPosition() >= scannedDataEnd)
        {
            return stop; // only padding after the last message: the image never delivers a padding frame
        }
        if (replayer.nextPosition() < stop)
        {
            return cutTail(ctx, replayer.nextPosition(), "the recording ends inside a change message: fragments " +
                "from position=" + replayer.nextPosition() + " to stop=" + stop + " never complete one (a message " +
                "longer than one MTU torn by a crash before its last fragment was recorded, so never acknowledged)");
        }
        return stop;
    }

    private void checkRefused(final LogReplayer replayer, final DurableStore.Context ctx)
    {
        final TidemarkException failure = replayer.failure();
        if (null != failure)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "replay of recording " + recordingId + " refused at position=" + replayer.failurePosition() + ": " +
                failure.getMessage() + "; dir=" + ctx.dir(), failure);
        }
    }

    private long cutTail(
        final DurableStore.Context ctx, final long cut, final String why, final RecordingFiles files,
        final int streamId)
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
            return cutTail(ctx, cut, why);
        }
        catch (final RuntimeException ex)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " must be cut at position=" + cut + " (" + why + ") but the archive " +
                "refused to truncate it there; truncate it with ArchiveTool or restore the archive; dir=" +
                ctx.dir(), ex);
        }
    }

    private long cutTail(final DurableStore.Context ctx, final long cut, final String why)
    {
        errorCounter.onError(new TidemarkException(TidemarkException.Category.ERROR,
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
        truncatedAt = cut;
        return cut;
    }

    private static void checkDeadline(final long deadline, final DurableStore.Context ctx, final String what)
    {
        if (System.nanoTime() - deadline > 0)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                what + " within " + TimeUnit.NANOSECONDS.toMillis(ctx.recoveryTimeoutNs()) + " ms: dir=" +
                ctx.dir());
        }
    }

    private int awaitRecordingCounter(final DurableStore.Context ctx, final int sessionId)
    {
        final CountersReader counters = aeron.countersReader();
        final long deadline = System.nanoTime() + ctx.recoveryTimeoutNs();
        final IdleStrategy idle = new BackoffIdleStrategy();
        int counterId;
        while (CountersReader.NULL_COUNTER_ID ==
            (counterId = RecordingPos.findCounterIdBySession(counters, sessionId, ctx.archiveId())))
        {
            checkDeadline(deadline, ctx, "archive did not start recording session " + sessionId);
            idle.idle();
        }
        // The driver makes a counter visible before it sets its registration id, which the durable log checks.
        while (CountersReader.DEFAULT_REGISTRATION_ID == counters.getCounterRegistrationId(counterId))
        {
            checkDeadline(deadline, ctx, "recording counter " + counterId + " never got its registration id");
            idle.idle();
        }
        return counterId;
    }

    private RecordingDescription describe(final DurableStore.Context ctx)
    {
        final RecordingDescription description = new RecordingDescription();
        final int found = archive.listRecording(recordingId, description);
        if (1 != found)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " of this store not found in the archive (wrong archive, or its " +
                "directory was lost): dir=" + ctx.dir());
        }
        return description;
    }

    private void awaitStopped(final DurableStore.Context ctx, final RecordingDescription description)
    {
        final long deadline = System.nanoTime() + ctx.recoveryTimeoutNs();
        final IdleStrategy idle = new BackoffIdleStrategy();
        long stop;
        while (AeronArchive.NULL_POSITION == (stop = archive.getStopPosition(recordingId)))
        {
            checkDeadline(deadline, ctx, "recording " + recordingId + " did not stop");
            idle.idle();
        }
        description.stopPosition = stop;
    }

    void closeAll()
    {
        // The store first: an in-flight checkpoint reads Aeron's counters and forces the archive's files.
        if (null != store && !store.isClosed())
        {
            try
            {
                store.closeWithoutCheckpoint();
            }
            catch (final RuntimeException ignore)
            {
                // the open already failed with the cause that matters
            }
        }
        CloseHelper.quietCloseAll(forcer, publication, archive, aeron, embeddedArchive);
    }
}
