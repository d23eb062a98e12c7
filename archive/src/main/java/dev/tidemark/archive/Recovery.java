/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.KillPoints;
import dev.tidemark.store.LogIdentity;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreKind;
import dev.tidemark.store.TidemarkException;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.archive.ChangeMessageDescriptor.HEADER_LENGTH;

/**
 * Opening a durable store, top to bottom, as steps that each return what they found:
 * <ol>
 *     <li>{@link #restoreStore()}: lock, header, newest valid slot, live region (the {@link StateStore}'s open);</li>
 *     <li>{@link ArchiveConnection#connect}: the embedded or external driver and archive;</li>
 *     <li>{@link #findRecording()}: the recording the snapshot names, stopped, and checked against the snapshot
 *     ({@link #adoptRecording()} first when the only valid snapshot is the creation image);</li>
 *     <li>{@link RecordingCheck#check}: the recording's frames from the snapshot's position to its stop;</li>
 *     <li>{@link RecordingReplay#run}: the replay onto the snapshot, and the cut of a torn tail;</li>
 *     <li>{@link #extend}: a new publication extending the recording from its stop, bound to the durable log.</li>
 * </ol>
 * A new store instead starts a recording ({@link #startRecording()}). The result is one immutable {@link Recovered}.
 * What the steps opened so far is kept here only to be released by {@link #closeAll()} if a later step fails.
 */
final class Recovery
{
    /**
     * The publication a recording is extended or started with, and the archive's handles on it.
     *
     * @param publication    the exclusive publication.
     * @param subscriptionId the archive's recording subscription.
     * @param counterId      the archive's recording position counter.
     */
    private record Extension(ExclusivePublication publication, long subscriptionId, int counterId)
    {
    }

    private final DurableStoreContext ctx;
    private final CountingErrorHandler errorHandler;
    private final RecordingDurableLog durableLog = new RecordingDurableLog();
    private StateStore store;
    private ArchiveConnection connection;
    private ExclusivePublication publication;
    private RecordingForcer forcer;

    Recovery(final DurableStoreContext ctx)
    {
        this.ctx = ctx;
        this.errorHandler = new CountingErrorHandler(ctx.errorHandler());
    }

    Recovered open()
    {
        try
        {
            return openSteps();
        }
        catch (final io.aeron.exceptions.AeronException ex)
        {
            // The archive or the driver failed or went silent (a catalog damaged so that the archive cannot answer
            // a listing, say): a refusal that names the store, not Aeron's own exception.
            throw new TidemarkException(TidemarkException.Category.ERROR, "open failed in the archive or media " +
                "driver: " + ex.getMessage() + "; the archive's catalog or the recording may be damaged (Aeron's " +
                "ArchiveTool describes and verifies it): dir=" + ctx.dir(), ex);
        }
    }

    private Recovered openSteps()
    {
        final long startNs = System.nanoTime();
        checkArchiveDirectory();
        store = restoreStore();
        final long storeOpenNs = System.nanoTime() - startNs;
        connection = ArchiveConnection.connect(ctx, store.storeId(), errorHandler);
        final long archiveStartNs = System.nanoTime() - startNs - storeOpenNs;
        final ChangeMessageFlyweight message = new ChangeMessageFlyweight(HEADER_LENGTH +
            BatchDescriptor.operationLength(
            store.keyLength(), BatchDescriptor.PUT, store.maxValueLength()) * 2 + 4096);

        final RecordingIdentity recording;
        final Extension extension;
        long replayed = 0;
        long replayDurationNs = 0;
        long truncatedAt = -1;
        if (store.logIdentity().isNone() && !store.statistics().restoredFromFallback())
        {
            extension = startRecording();
            recording = new RecordingIdentity(RecordingPos.getRecordingId(connection.aeron().countersReader(),
                extension.counterId()), publication.position(), AeronArchive.NULL_POSITION,
                publication.termBufferLength(), ctx.segmentFileLength(), publication.initialTermId(),
                ctx.mtuLength(), ctx.streamId());
            store.logIdentity(new LogIdentity(recording.recordingId(), recording.initialTermId(),
                recording.termLength(), recording.mtuLength()));
            store.logPosition(publication.position());
            // The recording's identity must be durable before any write is acknowledged against it.
            bindDurableLog(recording, extension, recording.startPosition());
            store.checkpointAndAwait();
        }
        else
        {
            if (store.logIdentity().isNone())
            {
                adoptRecording();
            }
            final RecordingIdentity found = findRecording();
            final long from = store.lastPosition();
            final File archiveDir = ArchiveConnection.archiveDirectory(ctx);
            final RecordingFiles files = null == archiveDir ? null : found.files(archiveDir);
            final long replayStartNs = System.nanoTime(); // the frame walk is part of the replay's cost
            final RecordingCheck check = null == files ? null : RecordingCheck.check(
                ctx, files, found.recordingId(), from, found.stopPosition(), errorHandler);
            final RecordingReplay.Result replay = new RecordingReplay(
                ctx, store, connection.archive(), found.recordingId(), message, errorHandler)
                .run(found, files, check, from, replayStartNs);
            recording = found;
            extension = extend(found, files, replay.stop());
            // The replayed range may be only in the page cache (a process crash): force it from the snapshot on.
            bindDurableLog(recording, extension, from);
            forceCatalog(recording);
            replayed = replay.messages();
            replayDurationNs = replay.durationNs();
            truncatedAt = replay.truncatedAt();
        }
        final RecoveryReport report = new RecoveryReport(
            replayed, replayDurationNs, System.nanoTime() - startNs, truncatedAt, storeOpenNs, archiveStartNs);
        return new Recovered(store, connection, recording, publication, message, extension.subscriptionId(),
            extension.counterId(), durableLog, forcer, errorHandler, report);
    }

    /**
     * @return true once the store's lock was taken, so that a failure may remove files this open created.
     */
    boolean lockTaken()
    {
        return null != store;
    }

    private void checkArchiveDirectory()
    {
        if (!ctx.embedded() && null != ctx.archiveDirectory() &&
            !new File(ctx.archiveDirectory(), RecordingFiles.CATALOG_FILE_NAME).exists())
        {
            throw new TidemarkException(TidemarkException.Category.ERROR,
                "archiveDirectory holds no archive catalog, so it is not the external archive's directory: " +
                "archiveDirectory=" + ctx.archiveDirectory() + " dir=" + ctx.dir());
        }
    }

    private StateStore restoreStore()
    {
        final StoreContext storeCtx = ctx.storeContext()
            .kind(StoreKind.DURABLE)
            .admitReadersOnOpen(false)
            .errorHandler(errorHandler)
            .durableLog(durableLog)
            .checkpointDurableTimeoutNs(ctx.durableTimeoutNs());
        return StateStore.open(storeCtx);
    }

    private Extension startRecording()
    {
        final String channel = new ChannelUriStringBuilder()
            .media(CommonContext.IPC_MEDIA)
            .termLength(ctx.termLength())
            .mtu(ctx.mtuLength())
            .sessionId(newSessionId())
            .build();
        final long subscriptionId = connection.archive().startRecording(
            channel, ctx.streamId(), SourceLocation.LOCAL, true);
        publication = connection.aeron().addExclusivePublication(channel, ctx.streamId());
        return new Extension(publication, subscriptionId, awaitRecordingCounter(publication.sessionId()));
    }

    /**
     * The newest snapshot is damaged and the older one is the store's creation image, taken before the store had a
     * recording: it names none. Starting a new recording would open an empty store in place of this one. The
     * embedded archive belongs to this store alone, and every recording in it started at position 0 from the
     * creation image; the newest is the one the store's acknowledged writes went to (each later open extends it).
     * Replaying it whole from the creation image rebuilds the state.
     */
    private void adoptRecording()
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
        connection.archive().listRecordingsForUri(0, Integer.MAX_VALUE, CommonContext.IPC_CHANNEL, ctx.streamId(),
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
        errorHandler.onError(new TidemarkException(TidemarkException.Category.ERROR,
            "the newest snapshot is damaged and the older one is the store's creation image: replaying recording " +
            newest[0] + " whole from position 0 onto it; dir=" + ctx.dir()));
        store.logIdentity(new LogIdentity(newest[0], description.initialTermId, description.termBufferLength,
            description.mtuLength));
    }

    /**
     * The recording the snapshot names, as the catalog describes it once stopped, refused if it cannot hold the log
     * from the snapshot's position or is not the log the snapshot was taken from.
     */
    private RecordingIdentity findRecording()
    {
        final LogIdentity log = store.logIdentity();
        final long recordingId = log.recordingId();
        final AeronArchive archive = connection.archive();
        final RecordingDescription description = new RecordingDescription();
        if (1 != archive.listRecording(recordingId, description))
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " of this store not found in the archive (wrong archive, or its " +
                "directory was lost): dir=" + ctx.dir());
        }
        if (AeronArchive.NULL_POSITION == description.stopPosition)
        {
            // An external archive may still be recording us from before a crash.
            archive.tryStopRecordingByIdentity(recordingId);
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
        final long restored = store.lastPosition();
        if (restored < description.startPosition)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " starts at position=" + description.startPosition +
                ", past the snapshot's position=" + restored + ": the log it needs was purged; dir=" + ctx.dir());
        }
        if (restored > description.stopPosition)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "snapshot at position=" + restored + " is ahead of recording " + recordingId +
                " which stops at position=" + description.stopPosition + ": the archive lost acknowledged log; dir=" +
                ctx.dir());
        }
        if (description.termBufferLength != log.termLength() ||
            description.initialTermId != log.initialTermId() ||
            description.mtuLength != log.mtuLength())
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " in the archive does not match the store's snapshot: termLength=" +
                description.termBufferLength + " initialTermId=" + description.initialTermId + " mtu=" +
                description.mtuLength + " in the catalog, termLength=" + log.termLength() + " initialTermId=" +
                log.initialTermId() + " mtu=" + log.mtuLength() + " in the snapshot (another store's " +
                "archive, or a damaged catalog); dir=" + ctx.dir());
        }
        return RecordingIdentity.of(recordingId, description);
    }

    private Extension extend(final RecordingIdentity recording, final RecordingFiles files, final long stop)
    {
        final long recordingId = recording.recordingId();
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
                    "cannot erase recording " + recordingId + " past its stop=" + stop + " in " + files.archiveDir() +
                    " before extending it: dir=" + ctx.dir(), ex);
            }
        }
        KillPoints.reach(KillPoints.RECOVERY_BEFORE_RESUME);

        // A session of our own: the image a dead writer left in an external driver must not be taken for ours.
        final String channel = new ChannelUriStringBuilder()
            .media(CommonContext.IPC_MEDIA)
            .mtu(recording.mtuLength())
            .initialPosition(stop, recording.initialTermId(), recording.termLength())
            .sessionId(newSessionId())
            .build();
        final long subscriptionId = connection.archive().extendRecording(
            recordingId, channel, ctx.streamId(), SourceLocation.LOCAL, true);
        publication = connection.aeron().addExclusivePublication(channel, ctx.streamId());
        final int counterId = awaitRecordingCounter(publication.sessionId());
        final long countedRecordingId = RecordingPos.getRecordingId(connection.aeron().countersReader(), counterId);
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
        return new Extension(publication, subscriptionId, counterId);
    }

    private void bindDurableLog(
        final RecordingIdentity recording, final Extension extension, final long forcedPosition)
    {
        final File archiveDir = ArchiveConnection.archiveDirectory(ctx);
        if (null != archiveDir)
        {
            forcer = new RecordingForcer(new RecordingFiles(archiveDir, recording.recordingId(),
                recording.startPosition(), publication.termBufferLength(), recording.segmentFileLength(),
                publication.initialTermId()), recording.startPosition(), forcedPosition);
        }
        durableLog.bind(connection.aeron().countersReader(), extension.counterId(), forcer);
    }

    private void forceCatalog(final RecordingIdentity recording)
    {
        if (null != forcer)
        {
            try
            {
                forcer.forceCatalog();
            }
            catch (final IOException ex)
            {
                throw new TidemarkException(TidemarkException.Category.FATAL,
                    "cannot force the archive's catalog after extending recording " + recording.recordingId() +
                    ": dir=" + ctx.dir(), ex);
            }
        }
    }

    private int awaitRecordingCounter(final int sessionId)
    {
        final CountersReader counters = connection.aeron().countersReader();
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

    static void checkDeadline(final long deadline, final DurableStoreContext ctx, final String what)
    {
        if (System.nanoTime() - deadline > 0)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                what + " within " + TimeUnit.NANOSECONDS.toMillis(ctx.recoveryTimeoutNs()) + " ms: dir=" +
                ctx.dir());
        }
    }

    private static int newSessionId()
    {
        final SecureRandom random = new SecureRandom();
        int sessionId;
        do
        {
            sessionId = random.nextInt();
        }
        while (0 == sessionId);
        return sessionId;
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
        CloseHelper.quietCloseAll(forcer, publication, connection);
    }
}
