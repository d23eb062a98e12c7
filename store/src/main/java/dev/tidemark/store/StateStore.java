/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * A key-value state store kept in a memory-mapped region, checkpointed into two fsynced snapshot slots without
 * stalling its writer, and reopened from the newest snapshot that verifies.
 * <p>
 * <b>Threading.</b> One thread, the writer, makes every call: reads, writes, checkpoints, close. It is the thread
 * that opened the store until another calls {@link #claimWriter()}; a call from any other thread fails with
 * {@link IllegalStateException} (a check costing one comparison, which the system property
 * {@value StoreConfiguration#CHECK_WRITER_THREAD_PROP_NAME}{@code =false} removes). Checkpoint copying, forcing and
 * committing run on a background checkpointer thread, or on a thread of yours through
 * {@link #checkpointerInvoker()}. Other threads read through a {@link StoreReader} from {@link #newReader()}.
 * <p>
 * <b>Positions and sequences.</b> Every mutation (put, remove, batch) gets the next sequence number. A store fed
 * from a log also records the log position it now matches with {@link #logPosition(long)}; a checkpoint records
 * both, and a reopened store reports them ({@link StoreStatistics#restoredPosition()},
 * {@link StoreStatistics#restoredSequence()}) so the log can be replayed from there.
 * <p>
 * <b>Durability.</b> This store alone makes nothing durable per write: a crash returns it to its last committed
 * checkpoint. A checkpoint commits only when the {@link DurableLog} says its position is durable, its slot has been
 * forced, and its header record has been written and forced. A failed force makes the store fail-stop.
 * <p>
 * <b>Bad input</b> (a key or value of the wrong size, a full table, a closed or failed store) throws before anything
 * is changed.
 */
public final class StateStore extends StoreAccess implements AutoCloseable
{
    /**
     * Returned by the get methods for a key that is not present.
     */
    public static final int MISSING = -1;

    private final OpenedStore opened;
    private final CheckpointLedger ledger;
    private final StoreStatistics statistics;
    private final ReadOnlyStore readOnly = new ReadOnlyStore(this);
    private final CheckpointerDriver driver;

    private long lastSequence;
    private long lastPosition;
    private LogIdentity logIdentity;

    private StateStore(final OpenedStore opened)
    {
        super(opened);
        this.opened = opened;
        final HeaderFile header = opened.header();
        final int restoredSlot = opened.chosenSlot();
        final SlotRecord record = header.record(restoredSlot);
        try
        {
            ledger = new CheckpointLedger(header, restoredSlot, geometry.pageCount, tracker, checkpointer);
            lastSequence = record.sequence;
            lastPosition = record.position;
            logIdentity = LogIdentity.of(record);
            statistics = new StoreStatistics(this, ledger, handshake, record, restoredSlot, opened.fallback(),
                System.nanoTime() - opened.openStartNs(), opened.liveFile());
            driver = new CheckpointerDriver(checkpointer, ctx); // last: it starts the checkpointer
            readerStamps.opened(lastPosition, ctx.admitReadersOnOpen());
        }
        catch (final RuntimeException | Error ex)
        {
            checkpointer.closeForcer(); // the open is undone by the opener; the forcer's thread is ours to stop
            throw ex;
        }
    }

    /**
     * Open the store in {@link StoreContext#dir()}, creating it if it does not exist (and
     * {@link StoreContext#createIfMissing()}), else restoring the newest snapshot slot that verifies.
     *
     * @param ctx settings; concluded here.
     * @return the open store, owned by the calling thread.
     * @throws IllegalStateException     if another store holds the directory.
     * @throws IllegalArgumentException  if the settings contradict an existing store.
     * @throws TidemarkException         if the directory is corrupt or foreign, or cannot be read or written.
     */
    public static StateStore open(final StoreContext ctx)
    {
        return StoreOpener.open(ctx, StateStore::new);
    }

    // ------------------------------------------------------------------------------------------------ writes

    /**
     * Put a value under a long key (stores with key length 8).
     *
     * @param key         the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value in {@code value}.
     * @param valueLength length of the value, at most the store's max value length.
     * @throws IllegalArgumentException if the key or value does not fit the store.
     * @throws IllegalStateException    if the table is full, or the store is closed or not on the writer thread.
     * @throws TidemarkException        if the store has failed.
     */
    public void put(final long key, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        checkWrite();
        checkLongKey();
        checkValue(value, valueOffset, valueLength);
        final int entry = table.probe(key);
        if (entry >= 0)
        {
            table.replace(entry, value, valueOffset, valueLength);
        }
        else
        {
            checkNotFull();
            table.insert(-entry - 1, key, value, valueOffset, valueLength);
            size++;
        }
        lastSequence++;
    }

    /**
     * Put a value under a byte key of the store's key length.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key in {@code key}.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value in {@code value}.
     * @param valueLength length of the value, at most the store's max value length.
     * @throws IllegalArgumentException if the key or value does not fit the store.
     * @throws IllegalStateException    if the table is full, or the store is closed or not on the writer thread.
     * @throws TidemarkException        if the store has failed.
     */
    public void put(
        final DirectBuffer key,
        final int keyOffset,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength)
    {
        checkWrite();
        checkKey(key, keyOffset);
        checkValue(value, valueOffset, valueLength);
        final int entry = table.probe(key, keyOffset);
        if (entry >= 0)
        {
            table.replace(entry, value, valueOffset, valueLength);
        }
        else
        {
            checkNotFull();
            table.insert(-entry - 1, key, keyOffset, value, valueOffset, valueLength);
            size++;
        }
        lastSequence++;
    }

    /**
     * Remove a long key. A mutation, so it takes a sequence number whether or not the key was present.
     *
     * @param key the key.
     * @return true if the key was present.
     */
    public boolean remove(final long key)
    {
        checkWrite();
        checkLongKey();
        final int entry = table.probe(key);
        lastSequence++;
        if (entry >= 0)
        {
            table.delete(entry);
            size--;
            return true;
        }
        return false;
    }

    /**
     * Remove a byte key. A mutation, so it takes a sequence number whether or not the key was present.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key in {@code key}.
     * @return true if the key was present.
     */
    public boolean remove(final DirectBuffer key, final int keyOffset)
    {
        checkWrite();
        checkKey(key, keyOffset);
        final int entry = table.probe(key, keyOffset);
        lastSequence++;
        if (entry >= 0)
        {
            table.delete(entry);
            size--;
            return true;
        }
        return false;
    }

    /**
     * A new, empty batch for this store. Allocates: make one and reuse it.
     *
     * @return a new batch.
     */
    public StoreBatch newBatch()
    {
        return new StoreBatch(keyLength, maxValueLength, ctx.maxBatchOperations(), ctx.batchInitialCapacity());
    }

    /**
     * Apply a batch atomically as one mutation: it is checked whole first (every operation against this store's
     * geometry, and the table must have room at every step), then applied in order. On any error nothing is applied.
     *
     * @param batch the operations, made by this store's {@link #newBatch()} (or one of the same key length and max
     *              value length), built or wrapped over encoded operations.
     * @throws NullPointerException     if {@code batch} is null.
     * @throws IllegalArgumentException if the batch was made for a store of another geometry, or its operations are
     *                                  malformed (bad type, value too long, lengths not summing to the batch length,
     *                                  an operation count that changed since it was wrapped).
     * @throws IllegalStateException    if the table would overflow at some step, or the store is closed or not on
     *                                  the writer thread.
     */
    public void apply(final StoreBatch batch)
    {
        checkWrite();
        BatchCheck.checkShape(batch, keyLength, maxValueLength, ctx.maxBatchOperations());
        if (batch.operationCount() > 1)
        {
            // One operation needs no walk: the insert below checks for room before it changes anything.
            BatchCheck.checkRoom(table, batch, size, capacity, keyLength);
        }

        final DirectBuffer buffer = batch.buffer();
        final int end = batch.offset() + batch.length();
        final int batchValueOffset = BatchDescriptor.valueOffset(keyLength);
        for (int at = batch.offset(); at < end; )
        {
            final int type = StoreBatch.operationType(buffer, at);
            final int valueLength = StoreBatch.operationValueLength(buffer, at);
            final int keyAt = at + BatchDescriptor.KEY_OFFSET;
            final int entry = table.probe(buffer, keyAt);
            if (BatchDescriptor.PUT == type)
            {
                if (entry >= 0)
                {
                    table.replace(entry, buffer, at + batchValueOffset, valueLength);
                }
                else
                {
                    checkNotFull();
                    table.insert(-entry - 1, buffer, keyAt, buffer, at + batchValueOffset, valueLength);
                    size++;
                }
            }
            else if (entry >= 0)
            {
                table.delete(entry);
                size--;
            }
            at += BatchDescriptor.operationLength(keyLength, type, valueLength);
        }
        lastSequence++;
    }

    /**
     * Check that a write could be made now, from this thread: for a caller that must claim log space before it
     * applies a change.
     *
     * @throws IllegalStateException if closed, not on the writer thread, or inside forEach.
     * @throws TidemarkException     if the store has failed.
     */
    public void checkWritable()
    {
        checkWrite();
    }

    /**
     * Check that {@link #apply(StoreBatch)} would succeed, without changing anything: the same checks, in full.
     *
     * @param batch the operations.
     * @throws NullPointerException     if {@code batch} is null.
     * @throws IllegalArgumentException if the batch was made for a store of another geometry or is malformed.
     * @throws IllegalStateException    if the table would overflow at some step.
     */
    public void checkApplicable(final StoreBatch batch)
    {
        checkWrite();
        BatchCheck.checkShape(batch, keyLength, maxValueLength, ctx.maxBatchOperations());
        BatchCheck.checkRoom(table, batch, size, capacity, keyLength);
    }

    /**
     * Record the log position the state now matches, after a mutation that came from (or went to) the log.
     * Positions never go backwards.
     *
     * @param position the log position after the last mutation applied.
     * @throws IllegalArgumentException if it is below the current position.
     */
    public void logPosition(final long position)
    {
        checkWrite();
        if (position < lastPosition)
        {
            throw new IllegalArgumentException(
                "log position went backwards: position=" + position + " lastPosition=" + lastPosition);
        }
        lastPosition = position;
        readerStamps.position(position);
    }

    /**
     * Identify the log the positions belong to; kept in every checkpoint's record from now on and restored on open.
     *
     * @param identity the log's identity.
     * @throws NullPointerException if {@code identity} is null.
     */
    public void logIdentity(final LogIdentity identity)
    {
        checkWrite();
        ArgumentChecks.checkNotNull(identity, "identity");
        logIdentity = identity;
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    /**
     * Start a checkpoint of the state as it is now, at {@link #lastPosition()}, if none is in progress. Returns at
     * once: the background checkpointer copies the changed pages while the writer goes on, and commits once the log
     * is durable to the position.
     *
     * @return true if a checkpoint was started, false if one is still in progress.
     * @throws TidemarkException if the store has failed.
     */
    public boolean checkpoint()
    {
        checkWrite();
        ledger.poll();
        return ledger.start(lastPosition, lastSequence, size, logIdentity);
    }

    /**
     * Is a checkpoint still in progress?
     *
     * @return true while a started checkpoint has not committed, aborted or failed.
     */
    public boolean isCheckpointInProgress()
    {
        checkRead();
        ledger.poll();
        return ledger.isInFlight();
    }

    /**
     * Wait for the checkpoint in progress, if any, to end. In invoker mode this drives the checkpointer while no
     * other thread is in one of its duty cycles (see {@link #checkpointerInvoker()}), and otherwise waits for that
     * thread to drive it. Timed by {@link StoreContext#nanoClock()}.
     *
     * @param timeoutNs how long to wait.
     * @return true if no checkpoint is in progress on return.
     * @throws TidemarkException if the store has failed.
     */
    public boolean awaitCheckpoint(final long timeoutNs)
    {
        checkRead();
        if (!driver.await(timeoutNs, ledger))
        {
            return false;
        }
        checkNotFailed();
        return true;
    }

    /**
     * Take a checkpoint now and wait until it commits: waits for one in progress, starts one, waits for it.
     * Returns only if the checkpoint it started committed.
     *
     * @throws TidemarkException if the checkpoint it started aborted (the log did not become durable in time), with
     *                           the reason, or failed, or did not end in time.
     */
    public void checkpointAndAwait()
    {
        final long timeoutNs = ctx.checkpointDurableTimeoutNs() + TimeUnit.SECONDS.toNanos(60);
        if (!awaitCheckpoint(timeoutNs))
        {
            throw new TidemarkException(TidemarkException.Category.ERROR, "checkpoint in progress did not end " +
                "within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms, none started: dir=" + ctx.dir());
        }
        if (!checkpoint())
        {
            throw new IllegalStateException("checkpoint still in progress after it ended: dir=" + ctx.dir());
        }
        final long checkpointId = ledger.lastStarted().checkpointId;
        final long position = ledger.lastStarted().position;
        if (!awaitCheckpoint(timeoutNs))
        {
            throw new TidemarkException(TidemarkException.Category.ERROR, "checkpoint at position=" + position +
                " did not end within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms: dir=" + ctx.dir());
        }
        if (ledger.latestCommitted().checkpointId != checkpointId)
        {
            final Throwable cause = checkpointer.resultCause();
            throw new TidemarkException(TidemarkException.Category.ERROR, "checkpoint at position=" + position +
                " did not commit (" + (null == cause ? "no reason given" : cause.getMessage()) + "): dir=" +
                ctx.dir(), cause);
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Close cleanly: wait for a checkpoint in progress, take a final checkpoint if anything changed since the last
     * one (so a clean reopen restores exactly this state), stop the checkpointer, unmap, release the lock.
     * Idempotent.
     * <p>
     * When the final checkpoint cannot be taken it says so: if the checkpoint in progress does not end in time, the
     * final one is skipped, reported to the error handler and thrown; if the final one aborts or fails, it is
     * thrown; a fail-stop store takes none, and reports that to the error handler. The store is closed regardless,
     * and the next open restores its newest committed checkpoint.
     *
     * @throws TidemarkException if the final checkpoint was skipped or did not commit.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        checkWriterThread();
        RuntimeException error = null;
        final SlotRecord latestCommitted = ledger.latestCommitted();
        try
        {
            final Throwable failure = checkpointer.fatalError();
            if (null != failure)
            {
                ctx.errorHandler().onError(new TidemarkException(TidemarkException.Category.FATAL,
                    "final checkpoint skipped on close: the store is fail-stop (" + failure.getMessage() + "); the " +
                    "next open restores the checkpoint at position=" + latestCommitted.position + ": dir=" +
                    ctx.dir(), failure));
            }
            else
            {
                final long timeoutNs = ctx.checkpointDurableTimeoutNs() + TimeUnit.SECONDS.toNanos(60);
                if (!awaitCheckpoint(timeoutNs))
                {
                    error = new TidemarkException(TidemarkException.Category.ERROR,
                        "final checkpoint skipped on close: the checkpoint in progress did not end within " +
                        TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms; the next open restores the checkpoint at " +
                        "position=" + latestCommitted.position + " sequence=" + latestCommitted.sequence +
                        " (or the one in progress, if it commits yet), lastSequence=" + lastSequence + ": dir=" +
                        ctx.dir());
                    ctx.errorHandler().onError(error);
                }
                else if (ledger.differsFromLatest(lastSequence, lastPosition, logIdentity))
                {
                    checkpointAndAwait();
                }
            }
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }
        finally
        {
            closeResources();
        }
        if (null != error)
        {
            throw error;
        }
    }

    /**
     * Close without a final checkpoint, leaving the files as a crash would: the next open restores the newest
     * committed snapshot (and a log, if the store is fed from one, replays the rest). For a hurried shutdown whose
     * log covers the tail, and for tests. A checkpoint in progress is abandoned. Idempotent.
     */
    public void closeWithoutCheckpoint()
    {
        if (!closed)
        {
            checkWriterThread();
            closeResources();
        }
    }

    private void closeResources()
    {
        closed = true;
        readerStamps.markStoreClosed();
        driver.close();
        opened.close(!readerStamps.handedOut());
    }

    // ------------------------------------------------------------------------------------------------ state

    /**
     * Sequence number of the last mutation applied (0 before any).
     *
     * @return the last sequence number.
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * Log position the state matches, as last recorded by {@link #logPosition(long)}.
     *
     * @return the last log position.
     */
    public long lastPosition()
    {
        return lastPosition;
    }

    /**
     * @return the log the positions belong to, as the restored snapshot named it or as last set;
     * {@link LogIdentity#NONE} if never set.
     */
    public LogIdentity logIdentity()
    {
        return logIdentity;
    }

    /**
     * @return the log position of the newest committed checkpoint.
     */
    public long lastCheckpointPosition()
    {
        return ledger.latestCommitted().position;
    }

    /**
     * The lowest log position a restart may need: the position of the older of the two snapshots this store could
     * be restored from (the newest, or the other if the newest is found damaged). A log may discard what lies below.
     *
     * @return the lowest position to retain.
     */
    public long retainedPosition()
    {
        return ledger.retainedPosition();
    }

    /**
     * Checkpoints committed since open: a plain field read, cheap enough to poll on every write.
     *
     * @return checkpoints committed since open.
     */
    public long checkpointsCommitted()
    {
        return ledger.checkpointsCommitted();
    }

    /**
     * What the store found on open and has done since: the same object every call, read-only, its values current.
     *
     * @return the store's statistics.
     */
    public StoreStatistics statistics()
    {
        return statistics;
    }

    /**
     * @return a read-only view of this store (the same object every call): its reads, identity and statistics.
     */
    public ReadOnlyStore readOnly()
    {
        return readOnly;
    }

    /**
     * The checkpointer's invoker when {@link StoreContext#useCheckpointerInvoker(boolean)} is set, else null. Call its
     * {@code invoke()} regularly from a thread of yours (it may block in a force); the writer thread will do (and
     * {@link #awaitCheckpoint(long)} invokes it too).
     * <p>
     * One thread at a time runs the checkpointer: an {@code invoke()} made while another thread is in a duty cycle
     * (your thread, or the writer waiting in {@link #awaitCheckpoint(long)}) returns 0 at once and does nothing.
     * {@link #close()} waits for a duty cycle under way to end before it unmaps anything. An interrupt of the calling
     * thread neither stops the invoker (as it would stop Agrona's) nor costs the store its files: the duty cycle runs
     * with the status cleared, and it is set again on return.
     *
     * @return the invoker, or null.
     */
    public AgentInvoker checkpointerInvoker()
    {
        return driver.invoker();
    }

}
