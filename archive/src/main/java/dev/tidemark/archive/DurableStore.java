/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.EntryConsumer;
import dev.tidemark.store.LongEntryConsumer;
import dev.tidemark.store.ReadOnlyStore;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.TidemarkException;
import io.aeron.ExclusivePublication;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;

/**
 * The store applications embed: a {@link StateStore} whose every mutation is first a change message on an Aeron
 * publication recorded by Aeron Archive, checkpointed at archive positions, and recovered on open by mapping the
 * newest valid snapshot and replaying the recording from the snapshot's position, exactly once ({@link Recovery}).
 * <p>
 * <b>Write path</b>, the same steps for put, remove and apply, named in each: <em>validate</em> the arguments and
 * the durability level; <em>claim</em> space for the change message on the publication ({@link ChangePublisher},
 * retrying under {@link BackPressure} up to {@link DurableStoreContext#backPressureTimeoutNs()}, then failing with
 * nothing applied); <em>encode</em> the operation in place ({@link OperationEncoder}, the encoder batches use);
 * <em>apply</em> it to the table (a failure aborts the claim: nothing applied, nothing published); <em>commit</em>
 * the message, whose end is the mutation's position, returned by the call; <em>wait</em> for the requested
 * {@link Durability} ({@link DurabilityWait}): {@code NONE} returns at once, {@code RECORDED} and {@code SYNCED} wait
 * for the archive's recording position to pass the message. To be told of each write once durable without waiting
 * in it, write with {@code NONE} and track it in {@link Acknowledgements}.
 * <p>
 * <b>Checkpoints</b> are taken by {@link CheckpointPolicy} (log bytes, time), on demand and on clean close; one
 * commits only once the log is durable to its position. {@link Retention} then drops the log below the older one.
 * <p>
 * <b>Threading:</b> one writer thread makes every call, as for {@link StateStore}.
 */
public final class DurableStore implements AutoCloseable
{
    final DurableStoreContext ctx; // package-private: Acknowledgements reads its durable timeout
    private final StateStore store;
    private final ArchiveConnection connection;
    private final ExclusivePublication publication;
    private final RecordingForcer forcer;
    private final long recordingId;
    private final long recordingSubscriptionId;
    private final RecoveryReport recovery;
    private final DurabilityWait durabilityWait;
    private final Retention retention;
    private final DurableStoreCounters counters;
    private final CheckpointControl checkpoints;
    private final ChangeWriter writer;
    private boolean closed;
    private Thread writerThread = Thread.currentThread();

    private DurableStore(final DurableStoreContext ctx, final Recovered recovered)
    {
        this.ctx = ctx;
        this.store = recovered.store();
        this.connection = recovered.archive();
        this.publication = recovered.publication();
        this.forcer = recovered.forcer();
        this.recordingId = recovered.recording().recordingId();
        this.recordingSubscriptionId = recovered.recordingSubscriptionId();
        this.recovery = recovered.report();
        durabilityWait = new DurabilityWait(recovered.durableLog(), connection.aeron().countersReader(),
            recovered.recordingCounterId(), recordingId, ctx.archiveFileSyncLevel(), ctx.durableTimeoutNs(),
            ctx.dir(), store);
        retention = new Retention(connection.archive(), recordingId, recovered.recording().startPosition(),
            recovered.recording().termLength(), recovered.recording().segmentFileLength(), ctx.errorHandler(),
            ctx.dir(), ctx.embedded() ? ArchiveConnection.archiveDirectory(ctx) : null);
        counters = new DurableStoreCounters(connection.aeron(), ctx.dir(), recovered.errorHandler());
        counters.onOpen(publication.position(), store.lastCheckpointPosition(), recovery.replayedMessages(),
            store.checkpointsCommitted());
        final RecoveryEstimate estimate = RecoveryEstimate.atOpen(ctx, store, recovery, recovered.errorHandler());
        checkpoints = new CheckpointControl(store, new CheckpointPolicy(estimate.checkpointLogBytes(
            ctx.checkpointLogBytes()), ctx.checkpointIntervalNs(), store.lastPosition(), System.nanoTime()),
            retention, counters, estimate);
        writer = new ChangeWriter(store, new ChangePublisher(
            publication, new BackPressure(ctx.backPressureTimeoutNs(), ctx.dir()), recovered.message()),
            durabilityWait, checkpoints, ctx.dir());
        store.admitReaders(); // the log is replayed: readers in other processes may now see the state
    }

    /**
     * Open or create the durable store: restore the newest valid snapshot, start (embedded) or connect to (external)
     * the media driver and archive, replay the recording from the snapshot's position, and extend the same recording.
     *
     * @param ctx settings; concluded here.
     * @return the open store, owned by the calling thread.
     */
    public static DurableStore open(final DurableStoreContext ctx)
    {
        ctx.conclude();
        final CreatedFiles created = CreatedFiles.before(ctx.dir());
        final Recovery recovery = new Recovery(ctx);
        try
        {
            return new DurableStore(ctx, recovery.open());
        }
        catch (final RuntimeException | Error ex)
        {
            // Only once the store's lock was ours: a failure to take it means another opener owns those files.
            final boolean lockWasHeld = recovery.lockTaken();
            recovery.closeAll();
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
        return writer.put(key, value, valueOffset, valueLength, durability);
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
     * Put a value under a byte key. The same steps as {@link #put(long, DirectBuffer, int, int, Durability)}.
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
        return writer.put(key, keyOffset, value, valueOffset, valueLength, durability);
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
     * Remove a long key. Logged and sequenced even if absent. The same steps as a put.
     *
     * @param key        the key.
     * @param durability what must hold before returning.
     * @return the log position of the mutation.
     */
    public long remove(final long key, final Durability durability)
    {
        return writer.remove(key, durability);
    }

    /**
     * Remove a byte key. Logged and sequenced even if absent. The same steps as a put.
     *
     * @param key        buffer holding the key.
     * @param keyOffset  offset of the key.
     * @param durability what must hold before returning.
     * @return the log position of the mutation.
     */
    public long remove(final DirectBuffer key, final int keyOffset, final Durability durability)
    {
        return writer.remove(key, keyOffset, durability);
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
     * whole. The same steps as a put, the batch's bytes being the encoded operations; a batch too long for one
     * claim is checked whole, offered (fragmented by Aeron), then applied.
     *
     * @param batch      the operations.
     * @param durability what must hold before returning.
     * @return the log position of the mutation.
     */
    public long apply(final StoreBatch batch, final Durability durability)
    {
        return writer.apply(batch, durability);
    }

    // ------------------------------------------------------------------------------------------------ durability

    /**
     * Wait until the archive's recording position reaches a position (group commit: write with
     * {@link Durability#NONE}, then await the last position once).
     *
     * @param position the position to wait for.
     * @throws TidemarkException if it is not reached within {@link DurableStoreContext#durableTimeoutNs()} or the
     *                           recording stopped.
     */
    public void awaitDurable(final long position)
    {
        durabilityWait.await(position);
    }

    /**
     * The position up to which the log is durable at the store's archive sync level.
     *
     * @return the archive's recording position, or -1 if its counter is no longer this store's recording (stopped).
     * @throws IllegalStateException once the store is closed (its counters are unmapped).
     */
    public long durablePosition()
    {
        if (closed)
        {
            throw new IllegalStateException("store closed: dir=" + ctx.dir());
        }
        return durabilityWait.durablePosition();
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    /**
     * Do background duties on the writer thread when it has nothing else to do: the time-based checkpoint policy,
     * retention (purging the recording below the older snapshot, a request to the archive, so never done inside a
     * write), the checkpointer in invoker mode, and the durable position published to readers. Call it regularly:
     * without it the archive is never purged. Returns the work done (0 when idle).
     */
    public int poll()
    {
        return checkpoints.poll() + durabilityWait.poll();
    }

    /**
     * Start a checkpoint now at the current position, if none is in progress.
     *
     * @return true if started.
     */
    public boolean checkpoint()
    {
        return checkpoints.start();
    }

    /**
     * Is a checkpoint still in progress? Takes the result of one that has ended.
     *
     * @return true while a started checkpoint has not committed, aborted or failed.
     */
    public boolean isCheckpointInProgress()
    {
        return store.isCheckpointInProgress();
    }

    /**
     * Wait for the checkpoint in progress, if any, to end.
     *
     * @param timeoutNs how long to wait.
     * @return true if no checkpoint is in progress on return.
     * @see StateStore#awaitCheckpoint(long)
     */
    public boolean awaitCheckpoint(final long timeoutNs)
    {
        return store.awaitCheckpoint(timeoutNs);
    }

    /**
     * Take a checkpoint now and wait until it commits (and the log below the older snapshot is purged).
     */
    public void checkpointAndAwait()
    {
        checkpoints.startAndAwait();
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
     * @return a read-only view of the mapped store under the log: its reads, identity and statistics. Every write
     * goes through this durable store, so that the log holds it first.
     */
    public ReadOnlyStore storeView()
    {
        return store.readOnly();
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
     * @return what the open found and did: messages replayed, how long the replay and the whole open took, and
     * where a torn tail was cut.
     */
    public RecoveryReport recovery()
    {
        return recovery;
    }

    /**
     * @return the lowest position still held by the archive for this store.
     */
    public long recordingStartPosition()
    {
        return retention.startPosition();
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

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
                closeStoreWithoutCheckpoint();
            }
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }
        try
        {
            connection.archive().tryStopRecording(recordingSubscriptionId);
        }
        catch (final RuntimeException ex)
        {
            if (null == error)
            {
                error = ex;
            }
        }
        CloseHelper.quietCloseAll(forcer, publication, retention);
        counters.close();
        CloseHelper.quietClose(connection);
        if (null != error)
        {
            throw error;
        }
    }

    private void closeStoreWithoutCheckpoint()
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
        // The archive writes the recording's stop into its catalog next: the log below it must be on disk first, or
        // a power loss could leave a catalog that says more than its segments hold.
        if (null != forcer && null == store.failure())
        {
            try
            {
                forcer.forceTo(store.lastPosition());
            }
            catch (final IOException ex)
            {
                throw new TidemarkException(TidemarkException.Category.FATAL,
                    "cannot force recording " + recordingId + " to disk up to position=" + store.lastPosition() +
                    ": dir=" + ctx.dir(), ex);
            }
        }
    }
}
