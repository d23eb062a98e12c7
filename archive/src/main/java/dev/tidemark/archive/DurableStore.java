/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.ArgumentChecks;
import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.EntryConsumer;
import dev.tidemark.store.LongEntryConsumer;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.TidemarkException;
import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ArchiveException;
import io.aeron.archive.status.RecordingPos;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.archive.ChangeMessageDescriptor.HEADER_LENGTH;
import static dev.tidemark.archive.ChangeMessageDescriptor.OPERATIONS_OFFSET;

/**
 * The store applications embed: a {@link StateStore} whose every mutation is first a change message on an Aeron
 * publication recorded by Aeron Archive, checkpointed at archive positions, and recovered on open by mapping the
 * newest valid snapshot and replaying the recording from the snapshot's position, exactly once.
 * <p>
 * <b>Write path</b> (put, remove, apply): validate; claim space on the publication (retrying under back-pressure up to
 * {@link Context#backPressureTimeoutNs()}, then failing with nothing applied); encode the message in place; apply
 * it to the table (a failure here aborts the claim: nothing applied, nothing published); commit. The position after
 * the message is the mutation's position, which the call returns. It then waits for the requested
 * {@link Durability}: {@code NONE} returns at once, {@code RECORDED} and {@code SYNCED} wait for the archive's
 * recording position to pass the message. For group commit write with {@code NONE} and call
 * {@link #awaitDurable(long)} once for the last position.
 * <p>
 * <b>Checkpoints</b> are taken by policy (log bytes since the last one, elapsed time), on demand, and on clean close;
 * a checkpoint commits only once the recording position has reached its position. After each commit the recording's
 * segments below the older snapshot's position are purged, so disk use stays bounded.
 * <p>
 * <b>Threading:</b> one writer thread makes every call, as for {@link StateStore}.
 */
public final class DurableStore implements AutoCloseable
{
    /**
     * Counter type ids of the store's counters, readable from outside the process (e.g. with AeronStat).
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

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int TIME_CHECK_INTERVAL = 1024;
    private static final long PURGE_RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final String DELETE_IN_PROGRESS = "another delete operation in progress";
    private static final int MAX_MTU_LENGTH = 65504; // Aeron's limit: the largest UDP payload

    private final Context ctx;
    private final StateStore store;
    private final EmbeddedArchive embeddedArchive;
    private final RecordingForcer forcer;
    private final RecordingDurableLog durableLog;
    private final Aeron aeron;
    private final AeronArchive archive;
    private final CountersReader countersReader;
    private final ExclusivePublication publication;
    private final long recordingId;
    private final long recordingSubscriptionId;
    private final int recordingCounterId;
    private final int maxPayloadLength;
    private final long segmentFileLength;
    private final int termLength;
    private long recordingStartPosition;

    private final BufferClaim bufferClaim = new BufferClaim();
    private final ChangeMessageFlyweight message;
    private final StoreBatch applyView;
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final IdleStrategy idleStrategy = new BackoffIdleStrategy(
        100, 100, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    private final int keyLength;
    private final int maxValueLength;
    private long claimPosition;

    private final Counter publishedPosition;
    private final Counter checkpointPosition;
    private final Counter checkpoints;
    private final Counter checkpointDuration;
    private final Counter replayedMessages;
    private final Counter errors;

    private final long replayed;
    private final long replayDurationNs;
    private final long recoveryDurationNs;
    private final long truncatedAt;
    private long lastCheckpointRequestPosition;
    private long lastCheckpointRequestNs;
    private long lastSeenCommits;
    private long lastPurgedBelow = Long.MIN_VALUE;
    private long nextPurgeAttemptNs = System.nanoTime();
    private long lastReportedPurgeFailure = Long.MIN_VALUE;
    private int writesSinceTimeCheck;
    private boolean closed;
    private Thread writerThread = Thread.currentThread();

    private DurableStore(final Context ctx, final Recovery opening)
    {
        this.ctx = ctx;
        this.store = opening.store;
        this.embeddedArchive = opening.embeddedArchive;
        this.forcer = opening.forcer;
        this.durableLog = opening.durableLog;
        this.aeron = opening.aeron;
        this.archive = opening.archive;
        this.countersReader = aeron.countersReader();
        this.publication = opening.publication;
        this.recordingId = opening.recordingId;
        this.recordingSubscriptionId = opening.recordingSubscriptionId;
        this.recordingCounterId = opening.recordingCounterId;
        this.recordingStartPosition = opening.recordingStartPosition;
        this.segmentFileLength = opening.segmentFileLength;
        this.termLength = publication.termBufferLength();
        this.maxPayloadLength = publication.maxPayloadLength();
        this.message = opening.message;
        this.applyView = opening.applyView;
        this.keyLength = store.keyLength();
        this.maxValueLength = store.maxValueLength();
        this.replayed = opening.replayed;
        this.replayDurationNs = opening.replayDurationNs;
        this.recoveryDurationNs = opening.recoveryDurationNs;
        this.truncatedAt = opening.truncatedAt;

        final String label = " dir=" + ctx.dir();
        publishedPosition = aeron.addCounter(PUBLISHED_POSITION_TYPE_ID, "tidemark published position" + label);
        checkpointPosition = aeron.addCounter(CHECKPOINT_POSITION_TYPE_ID, "tidemark checkpoint position" + label);
        checkpoints = aeron.addCounter(CHECKPOINTS_TYPE_ID, "tidemark checkpoints" + label);
        checkpointDuration = aeron.addCounter(CHECKPOINT_DURATION_TYPE_ID, "tidemark checkpoint duration ns" + label);
        replayedMessages = aeron.addCounter(REPLAYED_MESSAGES_TYPE_ID, "tidemark replayed messages" + label);
        errors = aeron.addCounter(ERRORS_TYPE_ID, "tidemark errors" + label);
        opening.errorCounter.counter = errors;
        errors.setRelease(opening.errorCounter.early);
        publishedPosition.setRelease(publication.position());
        checkpointPosition.setRelease(store.lastCheckpointPosition());
        replayedMessages.setRelease(replayed);

        lastCheckpointRequestPosition = store.lastPosition();
        lastCheckpointRequestNs = System.nanoTime();
        lastSeenCommits = store.checkpointsCommitted();
    }

    /**
     * Open or create the durable store: restore the newest valid snapshot, start (embedded) or connect to (external)
     * the media driver and archive, replay the recording from the snapshot's position, and extend the same recording.
     *
     * @param ctx settings; concluded here.
     * @return the open store, owned by the calling thread.
     */
    public static DurableStore open(final Context ctx)
    {
        ctx.conclude();
        final CreatedFiles created = CreatedFiles.before(ctx.dir());
        final Recovery opening = new Recovery();
        try
        {
            opening.open(ctx);
            return new DurableStore(ctx, opening);
        }
        catch (final RuntimeException | Error ex)
        {
            // Only once the store's lock was ours: a failure to take it means another opener owns those files.
            final boolean lockWasHeld = null != opening.store;
            opening.closeAll();
            if (lockWasHeld)
            {
                created.removeAfterFailedCreate(ex);
            }
            throw ex;
        }
    }

    // ------------------------------------------------------------------------------------------------ writes

    /**
     * Put a value under a long key, at the store's default durability.
     *
     * @param key         the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value.
     * @return the log position of the mutation.
     */
    public long put(final long key, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        return put(key, value, valueOffset, valueLength, ctx.durability());
    }

    /**
     * Put a value under a long key.
     *
     * @param key         the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value.
     * @param durability  what must hold before returning.
     * @return the log position of the mutation.
     * @throws IllegalArgumentException if the key or value does not fit the store.
     * @throws IllegalStateException    if the table is full (nothing applied or published).
     * @throws TidemarkException        on back-pressure past the deadline (nothing applied or published), on a
     *                                  durability wait that timed out (applied and published, not acknowledged),
     *                                  or if the store has failed.
     */
    public long put(
        final long key,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength,
        final Durability durability)
    {
        store.checkWritable();
        ArgumentChecks.checkLongKey(keyLength);
        ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
        checkDurability(durability);
        final int operationLength = BatchDescriptor.operationLength(keyLength, BatchDescriptor.PUT, valueLength);
        final MutableDirectBuffer buffer = beginMessage(operationLength);
        final int at = messageOffset() + OPERATIONS_OFFSET;
        buffer.putInt(at + BatchDescriptor.TYPE_OFFSET, BatchDescriptor.PUT, ORDER);
        buffer.putInt(at + BatchDescriptor.VALUE_LENGTH_OFFSET, valueLength, ORDER);
        buffer.putLong(at + BatchDescriptor.KEY_OFFSET, key, ORDER);
        buffer.putBytes(at + BatchDescriptor.valueOffset(keyLength), value, valueOffset, valueLength);
        return finishMessage(buffer, 1, operationLength, durability);
    }

    /**
     * Put a value under a byte key, at the store's default durability.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value.
     * @return the log position of the mutation.
     */
    public long put(
        final DirectBuffer key,
        final int keyOffset,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength)
    {
        return put(key, keyOffset, value, valueOffset, valueLength, ctx.durability());
    }

    /**
     * Put a value under a byte key.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value.
     * @param durability  what must hold before returning.
     * @return the log position of the mutation.
     */
    public long put(
        final DirectBuffer key,
        final int keyOffset,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength,
        final Durability durability)
    {
        store.checkWritable();
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
        ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
        checkDurability(durability);
        final int operationLength = BatchDescriptor.operationLength(keyLength, BatchDescriptor.PUT, valueLength);
        final MutableDirectBuffer buffer = beginMessage(operationLength);
        final int at = messageOffset() + OPERATIONS_OFFSET;
        buffer.putInt(at + BatchDescriptor.TYPE_OFFSET, BatchDescriptor.PUT, ORDER);
        buffer.putInt(at + BatchDescriptor.VALUE_LENGTH_OFFSET, valueLength, ORDER);
        buffer.putBytes(at + BatchDescriptor.KEY_OFFSET, key, keyOffset, keyLength);
        buffer.putBytes(at + BatchDescriptor.valueOffset(keyLength), value, valueOffset, valueLength);
        return finishMessage(buffer, 1, operationLength, durability);
    }

    /**
     * Remove a long key, at the store's default durability. Logged and sequenced even if absent.
     *
     * @param key the key.
     * @return the log position of the mutation.
     */
    public long remove(final long key)
    {
        return remove(key, ctx.durability());
    }

    /**
     * Remove a long key. Logged and sequenced even if absent.
     *
     * @param key        the key.
     * @param durability what must hold before returning.
     * @return the log position of the mutation.
     */
    public long remove(final long key, final Durability durability)
    {
        store.checkWritable();
        ArgumentChecks.checkLongKey(keyLength);
        checkDurability(durability);
        final int operationLength = BatchDescriptor.operationLength(keyLength, BatchDescriptor.REMOVE, 0);
        final MutableDirectBuffer buffer = beginMessage(operationLength);
        final int at = messageOffset() + OPERATIONS_OFFSET;
        buffer.putInt(at + BatchDescriptor.TYPE_OFFSET, BatchDescriptor.REMOVE, ORDER);
        buffer.putInt(at + BatchDescriptor.VALUE_LENGTH_OFFSET, 0, ORDER);
        buffer.putLong(at + BatchDescriptor.KEY_OFFSET, key, ORDER);
        return finishMessage(buffer, 1, operationLength, durability);
    }

    /**
     * Remove a byte key. Logged and sequenced even if absent.
     *
     * @param key        buffer holding the key.
     * @param keyOffset  offset of the key.
     * @param durability what must hold before returning.
     * @return the log position of the mutation.
     */
    public long remove(final DirectBuffer key, final int keyOffset, final Durability durability)
    {
        store.checkWritable();
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
        checkDurability(durability);
        final int operationLength = BatchDescriptor.operationLength(keyLength, BatchDescriptor.REMOVE, 0);
        final MutableDirectBuffer buffer = beginMessage(operationLength);
        final int at = messageOffset() + OPERATIONS_OFFSET;
        buffer.putInt(at + BatchDescriptor.TYPE_OFFSET, BatchDescriptor.REMOVE, ORDER);
        buffer.putInt(at + BatchDescriptor.VALUE_LENGTH_OFFSET, 0, ORDER);
        buffer.putBytes(at + BatchDescriptor.KEY_OFFSET, key, keyOffset, keyLength);
        return finishMessage(buffer, 1, operationLength, durability);
    }

    /**
     * A new, empty batch for this store. Allocates: make one and reuse it.
     *
     * @return a new batch.
     */
    public StoreBatch newBatch()
    {
        return store.newBatch();
    }

    /**
     * Apply a batch atomically, at the store's default durability.
     *
     * @param batch the operations.
     * @return the log position of the mutation.
     */
    public long apply(final StoreBatch batch)
    {
        return apply(batch, ctx.durability());
    }

    /**
     * Apply a batch atomically as one change message: all of it or none, never split by a checkpoint, replayed
     * whole.
     *
     * @param batch      the operations.
     * @param durability what must hold before returning.
     * @return the log position of the mutation.
     */
    public long apply(final StoreBatch batch, final Durability durability)
    {
        store.checkWritable();
        checkDurability(durability);
        ArgumentChecks.checkNotNull(batch, "batch");
        // Its shape first: a batch of another store's key length would otherwise be re-read, once copied into the
        // claim, as different operations of this store's.
        store.checkApplicable(batch);
        final int operationsLength = batch.length();
        if (HEADER_LENGTH + operationsLength <= maxPayloadLength)
        {
            final MutableDirectBuffer buffer = beginMessage(operationsLength);
            buffer.putBytes(messageOffset() + OPERATIONS_OFFSET, batch.buffer(), batch.offset(), operationsLength);
            return finishMessage(buffer, batch.operationCount(), operationsLength, durability);
        }
        return applyLarge(batch, durability);
    }

    private long applyLarge(final StoreBatch batch, final Durability durability)
    {
        // Too long for a claim: check it applies, offer it whole (fragmented), then apply. All checks of the batch run
        // before the offer; after it only a store that failed meanwhile (fail-stop) can refuse the apply, and then the
        // message is in the log but not in memory, which the next open's replay puts right. The caller is told.
        final int operationsLength = batch.length();
        final int length = HEADER_LENGTH + operationsLength;
        if (length > publication.maxMessageLength())
        {
            throw new IllegalArgumentException("batch too large for the change stream: message length=" + length +
                " maxMessageLength=" + publication.maxMessageLength() + " (an eighth of the term length)");
        }
        store.checkApplicable(batch);
        scratch.checkLimit(length);
        scratch.putBytes(OPERATIONS_OFFSET, batch.buffer(), batch.offset(), operationsLength);
        message.wrapForWrite(scratch, 0, length)
            .writeHeader(store.lastSequence() + 1, batch.operationCount(), operationsLength)
            .seal();

        final long deadline = System.nanoTime() + ctx.backPressureTimeoutNs();
        idleStrategy.reset();
        long position;
        while ((position = publication.offer(scratch, 0, length)) < 0)
        {
            onPublicationResult(position, deadline);
        }
        try
        {
            store.apply(batch);
        }
        catch (final RuntimeException ex)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "batch published at position=" + position + " but not applied: the store failed meanwhile and " +
                "accepts nothing more; it is not acknowledged, and the next open replays it from the log: dir=" +
                ctx.dir(), ex);
        }
        return afterCommit(position, durability);
    }

    private int messageOffset()
    {
        return bufferClaim.offset();
    }

    private MutableDirectBuffer beginMessage(final int operationsLength)
    {
        final int length = HEADER_LENGTH + operationsLength;
        if (length > maxPayloadLength)
        {
            throw new IllegalArgumentException("change message too long for one claim: length=" + length +
                " maxPayloadLength=" + maxPayloadLength + " (use a smaller value or a larger MTU)");
        }
        final long deadline = System.nanoTime() + ctx.backPressureTimeoutNs();
        idleStrategy.reset();
        long result;
        while ((result = publication.tryClaim(length, bufferClaim)) < 0)
        {
            onPublicationResult(result, deadline);
        }
        claimPosition = result;
        return bufferClaim.buffer();
    }

    private long finishMessage(
        final MutableDirectBuffer buffer, final int operationCount, final int operationsLength,
        final Durability durability)
    {
        final int offset = bufferClaim.offset();
        try
        {
            message.wrapForWrite(buffer, offset, HEADER_LENGTH + operationsLength)
                .writeHeader(store.lastSequence() + 1, operationCount, operationsLength);
            applyView.wrap(buffer, offset + OPERATIONS_OFFSET, operationsLength);
            store.apply(applyView);
        }
        catch (final RuntimeException ex)
        {
            bufferClaim.abort();
            throw ex;
        }
        message.seal();
        bufferClaim.commit();
        return afterCommit(claimPosition, durability);
    }

    private long afterCommit(final long position, final Durability durability)
    {
        store.logPosition(position);
        publishedPosition.setRelease(position);
        applyCheckpointPolicy(position);
        if (Durability.NONE != durability)
        {
            awaitDurable(position);
        }
        return position;
    }

    private void onPublicationResult(final long result, final long deadline)
    {
        if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "change stream publication unusable (" + Publication.errorString(result) + "): dir=" + ctx.dir());
        }
        if (System.nanoTime() - deadline > 0)
        {
            throw new TidemarkException(TidemarkException.Category.ERROR,
                "change stream back-pressured for " + TimeUnit.NANOSECONDS.toMillis(ctx.backPressureTimeoutNs()) +
                " ms (" + Publication.errorString(result) + "), nothing applied or published: dir=" + ctx.dir());
        }
        idleStrategy.idle();
    }

    // ------------------------------------------------------------------------------------------------ durability

    /**
     * Wait until the archive's recording position reaches a position (group commit: write with
     * {@link Durability#NONE}, then await the last position once).
     *
     * @param position the position to wait for.
     * @throws TidemarkException if it is not reached within {@link Context#durableTimeoutNs()} or the recording
     *                           stopped.
     */
    public void awaitDurable(final long position)
    {
        if (durableLog.durablePosition() >= position)
        {
            return;
        }
        final long deadline = System.nanoTime() + ctx.durableTimeoutNs();
        idleStrategy.reset();
        int spins = 0;
        while (durableLog.durablePosition() < position)
        {
            if ((++spins & 1023) == 0)
            {
                if (!RecordingPos.isActive(countersReader, recordingCounterId, recordingId))
                {
                    throw new TidemarkException(TidemarkException.Category.FATAL,
                        "recording " + recordingId + " stopped under the store before position=" + position +
                        ": dir=" + ctx.dir());
                }
                if (System.nanoTime() - deadline > 0)
                {
                    throw new TidemarkException(TidemarkException.Category.ERROR,
                        "position=" + position + " not durable within " +
                        TimeUnit.NANOSECONDS.toMillis(ctx.durableTimeoutNs()) + " ms (recorded=" +
                        countersReader.getCounterValue(recordingCounterId) + "): not acknowledged, dir=" + ctx.dir());
                }
            }
            idleStrategy.idle();
        }
    }

    /**
     * The position up to which the log is durable at the store's archive sync level.
     *
     * @return the archive's recording position, or -1 if the archive's recording position counter is no longer
     * this store's recording (the recording stopped under the store).
     */
    public long durablePosition()
    {
        return durableLog.durablePosition();
    }

    private void checkDurability(final Durability durability)
    {
        if (null == durability)
        {
            throw new IllegalArgumentException("durability must be NONE, RECORDED or SYNCED: durability=null");
        }
        if (Durability.SYNCED == durability && ctx.archiveFileSyncLevel() < 1)
        {
            throw new IllegalArgumentException(
                "SYNCED durability needs archive fileSyncLevel >= 1: fileSyncLevel=" + ctx.archiveFileSyncLevel());
        }
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    private void applyCheckpointPolicy(final long position)
    {
        if (position - lastCheckpointRequestPosition >= ctx.checkpointLogBytes())
        {
            requestCheckpoint(position);
        }
        else if (++writesSinceTimeCheck >= TIME_CHECK_INTERVAL)
        {
            writesSinceTimeCheck = 0;
            checkTimePolicy();
        }
        if (store.checkpointsCommitted() != lastSeenCommits)
        {
            updateCheckpointCounters();
        }
    }

    private void checkTimePolicy()
    {
        if (System.nanoTime() - lastCheckpointRequestNs >= ctx.checkpointIntervalNs() &&
            store.lastPosition() != lastCheckpointRequestPosition)
        {
            requestCheckpoint(store.lastPosition());
        }
    }

    private void requestCheckpoint(final long position)
    {
        if (store.checkpoint())
        {
            lastCheckpointRequestPosition = position;
            lastCheckpointRequestNs = System.nanoTime();
        }
    }

    private void updateCheckpointCounters()
    {
        lastSeenCommits = store.checkpointsCommitted();
        checkpoints.setRelease(lastSeenCommits);
        checkpointPosition.setRelease(store.lastCheckpointPosition());
        checkpointDuration.setRelease(store.statistics().lastCheckpointDurationNs());
    }

    private boolean purgeBelow(final long retained)
    {
        final long newStart = AeronArchive.segmentFileBasePosition(
            recordingStartPosition, retained, termLength, (int)segmentFileLength);
        if (newStart > recordingStartPosition)
        {
            try
            {
                archive.purgeSegments(recordingId, newStart);
                recordingStartPosition = newStart;
            }
            catch (final ArchiveException ex)
            {
                // The archive deletes segment files in a session of its own after answering; while that runs it
                // refuses another purge of the recording. Not an error: the next poll() asks again.
                if (null == ex.getMessage() || !ex.getMessage().contains(DELETE_IN_PROGRESS))
                {
                    reportPurgeFailure(newStart, ex);
                }
                nextPurgeAttemptNs = System.nanoTime() + PURGE_RETRY_INTERVAL_NS;
                return false;
            }
            catch (final RuntimeException ex)
            {
                reportPurgeFailure(newStart, ex);
                nextPurgeAttemptNs = System.nanoTime() + PURGE_RETRY_INTERVAL_NS;
                return false;
            }
        }
        return true;
    }

    private void reportPurgeFailure(final long newStart, final RuntimeException ex)
    {
        if (newStart == lastReportedPurgeFailure)
        {
            return; // said once per target; poll() keeps retrying
        }
        lastReportedPurgeFailure = newStart;
        ctx.errorHandler().onError(new TidemarkException(TidemarkException.Category.ERROR,
            "purge of recording " + recordingId + " below position=" + newStart + " failed; retried by the next " +
            "poll(): dir=" + ctx.dir(), ex));
    }

    /**
     * Do background duties on the writer thread when it has nothing else to do: the time-based checkpoint policy,
     * retention (purging the recording below the older snapshot, a request to the archive, so never done inside a
     * write), and the checkpointer in invoker mode. Call it regularly: without it the archive is never purged.
     *
     * @return work done (0 when idle).
     */
    public int poll()
    {
        store.checkWritable();
        int work = 0;
        if (null != store.checkpointerInvoker())
        {
            work += store.checkpointerInvoker().invoke();
        }
        store.isCheckpointInProgress();
        if (store.checkpointsCommitted() != lastSeenCommits)
        {
            updateCheckpointCounters();
            work++;
        }
        if (store.retainedPosition() != lastPurgedBelow && System.nanoTime() - nextPurgeAttemptNs >= 0 &&
            purgeBelow(store.retainedPosition()))
        {
            lastPurgedBelow = store.retainedPosition();
            work++;
        }
        checkTimePolicy();
        return work;
    }

    /**
     * Start a checkpoint now at the current position, if none is in progress.
     *
     * @return true if started.
     */
    public boolean checkpoint()
    {
        final boolean started = store.checkpoint();
        if (started)
        {
            lastCheckpointRequestPosition = store.lastPosition();
            lastCheckpointRequestNs = System.nanoTime();
        }
        return started;
    }

    /**
     * Take a checkpoint now and wait until it commits (and the log below the older snapshot is purged).
     */
    public void checkpointAndAwait()
    {
        store.checkpointAndAwait();
        lastCheckpointRequestPosition = store.lastPosition();
        lastCheckpointRequestNs = System.nanoTime();
        updateCheckpointCounters();
        if (purgeBelow(store.retainedPosition()))
        {
            lastPurgedBelow = store.retainedPosition();
        }
    }

    // ------------------------------------------------------------------------------------------------ reads

    /**
     * @param key         the key.
     * @param destination buffer to copy the value into.
     * @param offset      offset in destination.
     * @return the value length or {@link StateStore#MISSING}.
     * @see StateStore#get(long, MutableDirectBuffer, int)
     */
    public int get(final long key, final MutableDirectBuffer destination, final int offset)
    {
        return store.get(key, destination, offset);
    }

    /**
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key.
     * @param destination buffer to copy the value into.
     * @param offset      offset in destination.
     * @return the value length or {@link StateStore#MISSING}.
     * @see StateStore#get(DirectBuffer, int, MutableDirectBuffer, int)
     */
    public int get(final DirectBuffer key, final int keyOffset, final MutableDirectBuffer destination, final int offset)
    {
        return store.get(key, keyOffset, destination, offset);
    }

    /**
     * @param key the key.
     * @return a view of the value valid until the next call, or null.
     * @see StateStore#view(long)
     */
    public DirectBuffer view(final long key)
    {
        return store.view(key);
    }

    /**
     * @param key the key.
     * @return true if present.
     */
    public boolean contains(final long key)
    {
        return store.contains(key);
    }

    /**
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @return true if present.
     */
    public boolean contains(final DirectBuffer key, final int keyOffset)
    {
        return store.contains(key, keyOffset);
    }

    /**
     * @return number of entries.
     */
    public int size()
    {
        return store.size();
    }

    /**
     * @param consumer receives each entry.
     * @see StateStore#forEach(EntryConsumer)
     */
    public void forEach(final EntryConsumer consumer)
    {
        store.forEach(consumer);
    }

    /**
     * @param consumer receives each entry of a long-key store.
     * @see StateStore#forEachLong(LongEntryConsumer)
     */
    public void forEachLong(final LongEntryConsumer consumer)
    {
        store.forEachLong(consumer);
    }

    // ------------------------------------------------------------------------------------------------ state

    /**
     * @return the underlying state store (for its statistics; write only through this durable store).
     */
    public StateStore stateStore()
    {
        return store;
    }

    /**
     * @return the log position of the last mutation.
     */
    public long position()
    {
        return store.lastPosition();
    }

    /**
     * @return the sequence number of the last mutation.
     */
    public long sequence()
    {
        return store.lastSequence();
    }

    /**
     * @return the archive recording id of the change stream, the same for the store's whole life.
     */
    public long recordingId()
    {
        return recordingId;
    }

    /**
     * @return messages replayed on open.
     */
    public long replayedMessages()
    {
        return replayed;
    }

    /**
     * @return nanoseconds the replay took on open (the walk of the replayed frames, the replay request, to the last
     * message applied), 0 if there was nothing to replay.
     */
    public long replayDurationNs()
    {
        return replayDurationNs;
    }

    /**
     * @return nanoseconds the open took, from the lock to accepting writes (restore, archive, replay, extend).
     */
    public long recoveryDurationNs()
    {
        return recoveryDurationNs;
    }

    /**
     * @return the position a torn log tail was cut at on open, or -1 if the log was whole.
     */
    public long truncatedAt()
    {
        return truncatedAt;
    }

    /**
     * @return the lowest position still held by the archive for this store.
     */
    public long recordingStartPosition()
    {
        return recordingStartPosition;
    }

    /**
     * Make the calling thread the writer: the only thread that may call the store from now on, close included.
     * Hand over only while the previous writer makes no calls (for example at a thread pool's hand-off).
     */
    public void claimWriter()
    {
        store.claimWriter();
        writerThread = Thread.currentThread();
    }

    /**
     * Close cleanly: a final checkpoint at the last position (so a clean reopen replays nothing), then the recording,
     * the publication, the clients and, if embedded, the archive and media driver. Idempotent. Only on the writer
     * thread: from any other the call is refused and nothing is closed. If the final checkpoint cannot be taken
     * (it times out or fails), everything is still closed and released, and the cause is thrown: the next open
     * replays the log from the last committed checkpoint.
     */
    public void close()
    {
        close(true);
    }

    /**
     * Close without the final checkpoint: waits until the archive has recorded every write, then closes; the next
     * open restores the newest committed snapshot and replays the log after it. For a shutdown that must not wait
     * for a checkpoint, and for tests of replay. Idempotent.
     */
    public void closeWithoutCheckpoint()
    {
        close(false);
    }

    private void close(final boolean checkpoint)
    {
        if (closed)
        {
            return;
        }
        if (Thread.currentThread() != writerThread)
        {
            // Refused before anything changes: closing Aeron under a writer that is still writing would fail its
            // writes half way, and the store's lock would stay held by a store nobody can close.
            throw new IllegalStateException("close must be called on the writer thread, nothing was closed: " +
                "thread=" + Thread.currentThread().getName() + " writer=" + writerThread.getName() +
                " (stop the writer and close there, or call claimWriter() first); dir=" + ctx.dir());
        }
        closed = true;
        RuntimeException error = null;
        try
        {
            if (checkpoint)
            {
                store.close();
            }
            else
            {
                // Not a crash: the log keeps every write, so let the recorder reach the last one first.
                try
                {
                    if (null == store.failure())
                    {
                        awaitDurable(store.lastPosition());
                    }
                }
                finally
                {
                    store.closeWithoutCheckpoint();
                }
                // The archive writes the recording's stop into its catalog next: the log below it must be on disk
                // first, or a power loss could leave a catalog that says more than its segments hold.
                if (null != forcer && null == store.failure())
                {
                    forceLog(store.lastPosition());
                }
            }
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }
        try
        {
            archive.tryStopRecording(recordingSubscriptionId);
        }
        catch (final RuntimeException ex)
        {
            if (null == error)
            {
                error = ex;
            }
        }
        CloseHelper.quietCloseAll(
            forcer, publication, publishedPosition, checkpointPosition, checkpoints, checkpointDuration, replayedMessages,
            errors, archive, aeron, embeddedArchive);
        if (null != error)
        {
            throw error;
        }
    }

    private void forceLog(final long position)
    {
        try
        {
            forcer.forceTo(position);
        }
        catch (final java.io.IOException ex)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "cannot force recording " + recordingId + " to disk up to position=" + position + ": dir=" + ctx.dir(),
                ex);
        }
    }

    /**
     * Fixed names and defaults.
     */
    public static final class Configuration
    {
        /**
         * Control channel of the embedded archive and of clients on this host.
         */
        public static final String CONTROL_CHANNEL = "aeron:ipc";

        /**
         * Durability of writes that do not name one: {@code tidemark.durability} = none, recorded or synced.
         */
        public static final String DURABILITY_PROP_NAME = "tidemark.durability";

        /**
         * Use an embedded media driver and archive ("true", the default) or connect to external ones.
         */
        public static final String EMBEDDED_PROP_NAME = "tidemark.embedded";

        /**
         * Aeron directory of an external media driver (or of the embedded one, to choose it).
         */
        public static final String AERON_DIR_PROP_NAME = "tidemark.aeron.dir";

        /**
         * Archive id: the embedded archive's, or the external archive's.
         */
        public static final String ARCHIVE_ID_PROP_NAME = "tidemark.archive.id";

        /**
         * Archive id when not set ("TIDEMARK" in ASCII); fixed, so a restart finds its recording counters.
         */
        public static final long ARCHIVE_ID_DEFAULT = 0x5449_4445_4D41_524BL;

        /**
         * Term length of the change stream; fixed for the recording's life.
         */
        public static final int TERM_LENGTH_DEFAULT = 2 * 1024 * 1024;

        /**
         * MTU of the change stream: the longest message that is claimed in place rather than fragmented.
         */
        public static final int MTU_LENGTH_DEFAULT = 8192;

        /**
         * Segment file length of the recording: the unit retention purges by.
         */
        public static final int SEGMENT_FILE_LENGTH_DEFAULT = 32 * 1024 * 1024;

        /**
         * Free space below which the embedded archive refuses to start or extend a recording (bytes).
         */
        public static final String LOW_STORAGE_THRESHOLD_PROP_NAME = "tidemark.archive.low.storage.threshold";

        /**
         * Low-storage threshold when not set: Aeron Archive's own default, 128 MiB.
         */
        public static final long LOW_STORAGE_THRESHOLD_DEFAULT = 128L * 1024 * 1024;

        /**
         * Stream id of the change stream.
         */
        public static final int STREAM_ID_DEFAULT = 1001;

        /**
         * Stream id replays are received on.
         */
        public static final int REPLAY_STREAM_ID_DEFAULT = 1002;

        private Configuration()
        {
        }
    }

    /**
     * Settings of a durable store. Call setters, then {@link DurableStore#open(Context)}, which concludes it once.
     */
    public static final class Context
    {
        private static final int NOT_SET = Integer.MIN_VALUE;

        private boolean concluded;
        private File dir;
        private int keyLength = NOT_SET;
        private int maxValueLength = NOT_SET;
        private int capacity = NOT_SET;
        private Durability durability = Durability.valueOf(
            System.getProperty(Configuration.DURABILITY_PROP_NAME, "recorded").toUpperCase());
        private boolean embedded = !"false".equals(System.getProperty(Configuration.EMBEDDED_PROP_NAME));
        private String aeronDirectoryName = System.getProperty(Configuration.AERON_DIR_PROP_NAME);
        private File archiveDirectory;
        private long archiveId = Long.getLong(Configuration.ARCHIVE_ID_PROP_NAME, Configuration.ARCHIVE_ID_DEFAULT);
        private int archiveFileSyncLevel = -1;
        private int termLength = Configuration.TERM_LENGTH_DEFAULT;
        private int mtuLength = Configuration.MTU_LENGTH_DEFAULT;
        private int segmentFileLength = Configuration.SEGMENT_FILE_LENGTH_DEFAULT;
        private long lowStorageThreshold = Long.getLong(
            Configuration.LOW_STORAGE_THRESHOLD_PROP_NAME, Configuration.LOW_STORAGE_THRESHOLD_DEFAULT);
        private int streamId = Configuration.STREAM_ID_DEFAULT;
        private int replayStreamId = Configuration.REPLAY_STREAM_ID_DEFAULT;
        private String replayChannel = "aeron:ipc";
        private String controlRequestChannel = Configuration.CONTROL_CHANNEL;
        private int controlRequestStreamId = AeronArchive.Configuration.localControlStreamId();
        private String controlResponseChannel = Configuration.CONTROL_CHANNEL;
        private long backPressureTimeoutNs = TimeUnit.SECONDS.toNanos(1);
        private long durableTimeoutNs = TimeUnit.SECONDS.toNanos(10);
        private long recoveryTimeoutNs = TimeUnit.SECONDS.toNanos(120);
        private long checkpointIntervalNs = TimeUnit.SECONDS.toNanos(10);
        private long checkpointLogBytes = 64L * 1024 * 1024;
        private ErrorHandler errorHandler;

        /**
         * Check settings and fill defaults; called by {@link DurableStore#open(Context)}.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded: a Context opens one store");
            }
            concluded = true;
            if (null == dir)
            {
                throw new IllegalArgumentException("store directory not set: dir=null");
            }
            checkPositiveIfSet("keyLength", keyLength);
            checkPositiveIfSet("maxValueLength", maxValueLength);
            checkPositiveIfSet("capacity", capacity);
            if (null == durability)
            {
                throw new IllegalArgumentException(
                    "default durability must be NONE, RECORDED or SYNCED: durability=null");
            }
            checkPositive("backPressureTimeoutNs", backPressureTimeoutNs);
            checkPositive("durableTimeoutNs", durableTimeoutNs);
            checkPositive("recoveryTimeoutNs", recoveryTimeoutNs);
            if (mtuLength <= DataHeaderFlyweight.HEADER_LENGTH || mtuLength > MAX_MTU_LENGTH ||
                0 != (mtuLength & (FrameDescriptor.FRAME_ALIGNMENT - 1)))
            {
                throw new IllegalArgumentException("mtuLength must be a multiple of " +
                    FrameDescriptor.FRAME_ALIGNMENT + " above " + DataHeaderFlyweight.HEADER_LENGTH + " and at most " +
                    MAX_MTU_LENGTH + ": mtuLength=" + mtuLength);
            }
            if (!embedded && null == aeronDirectoryName)
            {
                throw new IllegalArgumentException(
                    "external media driver needs its Aeron directory: aeronDirectoryName=null");
            }
            if (archiveFileSyncLevel < 0)
            {
                archiveFileSyncLevel = Durability.SYNCED == durability ? 1 : 0;
            }
            if (!embedded && archiveFileSyncLevel < 1 && null == archiveDirectory)
            {
                // A checkpoint must never be ahead of the log as the disk holds it: either the archive forces
                // what it records, or the store forces the archive's files itself before each checkpoint commits.
                throw new IllegalArgumentException("an external archive at fileSyncLevel 0 needs its directory, " +
                    "so that checkpoints can force the recording to disk first (else a power loss can leave the " +
                    "snapshot ahead of the log): set archiveDirectory(dir) to the archive's directory on this " +
                    "host, or run the archive with fileSyncLevel >= 1 and set archiveFileSyncLevel(1); " +
                    "archiveFileSyncLevel=" + archiveFileSyncLevel + " archiveDirectory=null");
            }
            if (Durability.SYNCED == durability && archiveFileSyncLevel < 1)
            {
                throw new IllegalArgumentException(
                    "durability SYNCED needs archiveFileSyncLevel >= 1: archiveFileSyncLevel=" + archiveFileSyncLevel);
            }
            if (Integer.bitCount(termLength) != 1 || termLength < 64 * 1024)
            {
                throw new IllegalArgumentException("termLength must be a power of two >= 64 KiB: " + termLength);
            }
            if (segmentFileLength < termLength || segmentFileLength % termLength != 0)
            {
                throw new IllegalArgumentException("segmentFileLength must be a multiple of termLength: " +
                    "segmentFileLength=" + segmentFileLength + " termLength=" + termLength);
            }
            if (checkpointLogBytes <= 0 || checkpointIntervalNs <= 0)
            {
                throw new IllegalArgumentException("checkpoint policy must be positive: checkpointLogBytes=" +
                    checkpointLogBytes + " checkpointIntervalNs=" + checkpointIntervalNs);
            }
            if (null == errorHandler)
            {
                errorHandler = (throwable) -> throwable.printStackTrace(System.err);
            }
            return this;
        }

        private static void checkPositiveIfSet(final String name, final int value)
        {
            if (NOT_SET != value && value <= 0)
            {
                throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
            }
        }

        private static void checkPositive(final String name, final long value)
        {
            if (value <= 0)
            {
                throw new IllegalArgumentException(name + " must be positive: " + name + "=" + value);
            }
        }

        /**
         * @param dir the store directory; the embedded archive lives in its {@code archive} subdirectory.
         * @return this.
         */
        public Context dir(final File dir)
        {
            this.dir = dir;
            return this;
        }

        /**
         * @return the store directory.
         */
        public File dir()
        {
            return dir;
        }

        /**
         * @param keyLength key length of a new store (8 for long keys).
         * @return this.
         */
        public Context keyLength(final int keyLength)
        {
            this.keyLength = keyLength;
            return this;
        }

        /**
         * @return the key length setting.
         */
        public int keyLength()
        {
            return NOT_SET == keyLength ? StoreContext.UNSET : keyLength;
        }

        /**
         * @param maxValueLength maximum value length of a new store.
         * @return this.
         */
        public Context maxValueLength(final int maxValueLength)
        {
            this.maxValueLength = maxValueLength;
            return this;
        }

        /**
         * @return the max value length setting.
         */
        public int maxValueLength()
        {
            return NOT_SET == maxValueLength ? StoreContext.UNSET : maxValueLength;
        }

        /**
         * @param capacity most entries of a new store.
         * @return this.
         */
        public Context capacity(final int capacity)
        {
            this.capacity = capacity;
            return this;
        }

        /**
         * @return the capacity setting.
         */
        public int capacity()
        {
            return NOT_SET == capacity ? StoreContext.UNSET : capacity;
        }

        /**
         * @param durability durability of writes that do not name one (default RECORDED).
         * @return this.
         */
        public Context durability(final Durability durability)
        {
            this.durability = durability;
            return this;
        }

        /**
         * @return the default durability.
         */
        public Durability durability()
        {
            return durability;
        }

        /**
         * @param embedded launch a media driver and archive in this process (default) or connect to external ones.
         * @return this.
         */
        public Context embedded(final boolean embedded)
        {
            this.embedded = embedded;
            return this;
        }

        /**
         * @return whether the driver and archive are embedded.
         */
        public boolean embedded()
        {
            return embedded;
        }

        /**
         * @param aeronDirectoryName the media driver's directory (required for an external driver).
         * @return this.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        /**
         * @return the media driver's directory, or null for the embedded default.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /**
         * @param dir the directory of an external archive running on this host. With it, each checkpoint forces
         *            the store's recording to disk up to the checkpoint's position before committing, as it does
         *            for the embedded archive; required for an external archive at fileSyncLevel 0.
         * @return this.
         */
        public Context archiveDirectory(final File dir)
        {
            this.archiveDirectory = dir;
            return this;
        }

        /**
         * @return the external archive's directory, or null.
         */
        public File archiveDirectory()
        {
            return archiveDirectory;
        }

        /**
         * @param archiveId id of the archive (the embedded one's, or the external one's).
         * @return this.
         */
        public Context archiveId(final long archiveId)
        {
            this.archiveId = archiveId;
            return this;
        }

        /**
         * @return the archive id.
         */
        public long archiveId()
        {
            return archiveId;
        }

        /**
         * @param level the archive's fileSyncLevel: 0 none, 1 fdatasync of recordings, 2 with metadata. For an
         *              external archive, state what it is configured with. Default: 1 for SYNCED, else 0.
         * @return this.
         */
        public Context archiveFileSyncLevel(final int level)
        {
            this.archiveFileSyncLevel = level;
            return this;
        }

        /**
         * @return the archive's fileSyncLevel.
         */
        public int archiveFileSyncLevel()
        {
            return archiveFileSyncLevel;
        }

        /**
         * @param termLength term length of a new recording's stream.
         * @return this.
         */
        public Context termLength(final int termLength)
        {
            this.termLength = termLength;
            return this;
        }

        /**
         * @return the term length.
         */
        public int termLength()
        {
            return termLength;
        }

        /**
         * @param mtuLength MTU of a new recording's stream.
         * @return this.
         */
        public Context mtuLength(final int mtuLength)
        {
            this.mtuLength = mtuLength;
            return this;
        }

        /**
         * @return the MTU.
         */
        public int mtuLength()
        {
            return mtuLength;
        }

        /**
         * @param segmentFileLength segment file length of the embedded archive's recordings.
         * @return this.
         */
        public Context segmentFileLength(final int segmentFileLength)
        {
            this.segmentFileLength = segmentFileLength;
            return this;
        }

        /**
         * @return the segment file length.
         */
        public int segmentFileLength()
        {
            return segmentFileLength;
        }

        /**
         * @param bytes free space below which the embedded archive refuses to start or extend the recording, so open
         *              fails with a clear error rather than recording onto a full disk.
         * @return this.
         */
        public Context lowStorageThreshold(final long bytes)
        {
            this.lowStorageThreshold = bytes;
            return this;
        }

        /**
         * @return the embedded archive's low-storage threshold.
         */
        public long lowStorageThreshold()
        {
            return lowStorageThreshold;
        }

        /**
         * @param streamId stream id of the change stream.
         * @return this.
         */
        public Context streamId(final int streamId)
        {
            this.streamId = streamId;
            return this;
        }

        /**
         * @return the change stream's stream id.
         */
        public int streamId()
        {
            return streamId;
        }

        /**
         * @param replayStreamId stream id for replays.
         * @return this.
         */
        public Context replayStreamId(final int replayStreamId)
        {
            this.replayStreamId = replayStreamId;
            return this;
        }

        /**
         * @return the replay stream id.
         */
        public int replayStreamId()
        {
            return replayStreamId;
        }

        /**
         * @param replayChannel channel replays are received on.
         * @return this.
         */
        public Context replayChannel(final String replayChannel)
        {
            this.replayChannel = replayChannel;
            return this;
        }

        /**
         * @return the replay channel.
         */
        public String replayChannel()
        {
            return replayChannel;
        }

        /**
         * @param channel the archive's control request channel (external archive).
         * @return this.
         */
        public Context controlRequestChannel(final String channel)
        {
            this.controlRequestChannel = channel;
            return this;
        }

        /**
         * @return the control request channel.
         */
        public String controlRequestChannel()
        {
            return controlRequestChannel;
        }

        /**
         * @param streamId the archive's control request stream id.
         * @return this.
         */
        public Context controlRequestStreamId(final int streamId)
        {
            this.controlRequestStreamId = streamId;
            return this;
        }

        /**
         * @return the control request stream id.
         */
        public int controlRequestStreamId()
        {
            return controlRequestStreamId;
        }

        /**
         * @param channel the control response channel.
         * @return this.
         */
        public Context controlResponseChannel(final String channel)
        {
            this.controlResponseChannel = channel;
            return this;
        }

        /**
         * @return the control response channel.
         */
        public String controlResponseChannel()
        {
            return controlResponseChannel;
        }

        /**
         * @param timeoutNs how long a write retries under back-pressure before failing with nothing applied.
         * @return this.
         */
        public Context backPressureTimeoutNs(final long timeoutNs)
        {
            this.backPressureTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return the back-pressure deadline.
         */
        public long backPressureTimeoutNs()
        {
            return backPressureTimeoutNs;
        }

        /**
         * @param timeoutNs how long a durable write, or a checkpoint, waits for the recording position.
         * @return this.
         */
        public Context durableTimeoutNs(final long timeoutNs)
        {
            this.durableTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return the durability deadline.
         */
        public long durableTimeoutNs()
        {
            return durableTimeoutNs;
        }

        /**
         * @param timeoutNs bound on each step of recovery (recording counter, replay progress).
         * @return this.
         */
        public Context recoveryTimeoutNs(final long timeoutNs)
        {
            this.recoveryTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return the recovery step deadline.
         */
        public long recoveryTimeoutNs()
        {
            return recoveryTimeoutNs;
        }

        /**
         * @param intervalNs take a checkpoint when this long has passed since the last and the state changed.
         * @return this.
         */
        public Context checkpointIntervalNs(final long intervalNs)
        {
            this.checkpointIntervalNs = intervalNs;
            return this;
        }

        /**
         * @return the checkpoint interval.
         */
        public long checkpointIntervalNs()
        {
            return checkpointIntervalNs;
        }

        /**
         * @param bytes take a checkpoint when this much log has been written since the last: bounds replay on open.
         * @return this.
         */
        public Context checkpointLogBytes(final long bytes)
        {
            this.checkpointLogBytes = bytes;
            return this;
        }

        /**
         * @return the log bytes between checkpoints.
         */
        public long checkpointLogBytes()
        {
            return checkpointLogBytes;
        }

        /**
         * @param errorHandler receives errors of the store, checkpointer, driver and archive clients.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * @return the error handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }
    }
}
