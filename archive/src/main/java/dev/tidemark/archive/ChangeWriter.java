/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.ArgumentChecks;
import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.OperationEncoder;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.TidemarkException;
import org.agrona.DirectBuffer;

import java.io.File;

/**
 * The write path of the durable store, one method per operation, each naming the same steps:
 * <em>validate</em> (the store writable, the key and value against its geometry, the durability level);
 * <em>claim</em> space for the change message ({@link ChangePublisher}, under {@link BackPressure});
 * <em>encode</em> the operation there ({@link OperationEncoder}, the encoder {@link StoreBatch} uses);
 * <em>apply</em> it to the table from the encoded bytes, so that the table holds exactly what the log does (a
 * refusal aborts the claim: nothing applied, nothing published);
 * <em>commit</em> the message, sealed with its CRC and the sequence the apply took;
 * <em>wait</em> for the durability asked for ({@link DurabilityWait}), after the checkpoint policy has seen the
 * write. Writer thread only; zero allocation.
 */
final class ChangeWriter
{
    private final StateStore store;
    private final ChangePublisher publisher;
    private final DurabilityWait durabilityWait;
    private final CheckpointControl checkpoints;
    private final int keyLength;
    private final int maxValueLength;
    private final int claimValueOffset;
    private final StoreBatch claimedBatch;
    private final File dir;

    ChangeWriter(
        final StateStore store,
        final ChangePublisher publisher,
        final DurabilityWait durabilityWait,
        final CheckpointControl checkpoints,
        final File dir)
    {
        this.store = store;
        this.publisher = publisher;
        this.durabilityWait = durabilityWait;
        this.checkpoints = checkpoints;
        this.keyLength = store.keyLength();
        this.maxValueLength = store.maxValueLength();
        this.claimValueOffset = BatchDescriptor.valueOffset(keyLength);
        this.claimedBatch = store.newBatch();
        this.dir = dir;
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
    long put(
        final long key,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength,
        final Durability durability)
    {
        // validate
        store.checkWritable();
        ArgumentChecks.checkLongKey(keyLength);
        ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
        durabilityWait.check(durability);
        // claim
        final int length = BatchDescriptor.operationLength(keyLength, BatchDescriptor.PUT, valueLength);
        final int at = claim(length);
        // encode
        OperationEncoder.putLong(publisher.buffer(), at, keyLength, key, value, valueOffset, valueLength);
        // apply, from the encoded bytes: the table holds exactly what the log does
        try
        {
            store.put(key, publisher.buffer(), at + claimValueOffset, valueLength);
        }
        catch (final RuntimeException ex)
        {
            publisher.abort();
            throw ex;
        }
        // commit, wait
        return commitAndWait(1, length, durability);
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
    long put(
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
        durabilityWait.check(durability);
        final int length = BatchDescriptor.operationLength(keyLength, BatchDescriptor.PUT, valueLength);
        final int at = claim(length);
        OperationEncoder.put(publisher.buffer(), at, keyLength, key, keyOffset, value, valueOffset, valueLength);
        try
        {
            store.put(publisher.buffer(), at + BatchDescriptor.KEY_OFFSET, publisher.buffer(), at + claimValueOffset,
                valueLength);
        }
        catch (final RuntimeException ex)
        {
            publisher.abort();
            throw ex;
        }
        return commitAndWait(1, length, durability);
    }

    /**
     * Remove a long key. Logged and sequenced even if absent. The same steps as a put.
     *
     * @param key        the key.
     * @param durability what must hold before returning.
     * @return the log position of the mutation.
     */
    long remove(final long key, final Durability durability)
    {
        store.checkWritable();
        ArgumentChecks.checkLongKey(keyLength);
        durabilityWait.check(durability);
        final int length = BatchDescriptor.operationLength(keyLength, BatchDescriptor.REMOVE, 0);
        final int at = claim(length);
        OperationEncoder.removeLong(publisher.buffer(), at, keyLength, key);
        try
        {
            store.remove(key);
        }
        catch (final RuntimeException ex)
        {
            publisher.abort();
            throw ex;
        }
        return commitAndWait(1, length, durability);
    }

    /**
     * Remove a byte key. Logged and sequenced even if absent. The same steps as a put.
     *
     * @param key        buffer holding the key.
     * @param keyOffset  offset of the key.
     * @param durability what must hold before returning.
     * @return the log position of the mutation.
     */
    long remove(final DirectBuffer key, final int keyOffset, final Durability durability)
    {
        store.checkWritable();
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
        durabilityWait.check(durability);
        final int length = BatchDescriptor.operationLength(keyLength, BatchDescriptor.REMOVE, 0);
        final int at = claim(length);
        OperationEncoder.remove(publisher.buffer(), at, keyLength, key, keyOffset);
        try
        {
            store.remove(publisher.buffer(), at + BatchDescriptor.KEY_OFFSET);
        }
        catch (final RuntimeException ex)
        {
            publisher.abort();
            throw ex;
        }
        return commitAndWait(1, length, durability);
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
    long apply(final StoreBatch batch, final Durability durability)
    {
        store.checkWritable();
        durabilityWait.check(durability);
        ArgumentChecks.checkNotNull(batch, "batch");
        // Its shape first: a batch of another store's key length would otherwise be re-read, once copied into the
        // claim, as different operations of this store's.
        store.checkApplicable(batch);
        final int length = batch.length();
        if (!publisher.fitsClaim(length))
        {
            return applyLarge(batch, durability);
        }
        final int at = claim(length);
        publisher.buffer().putBytes(at, batch.buffer(), batch.offset(), length);
        try
        {
            // The claimed copy is what is checked and applied, so the table holds exactly what the log does.
            store.apply(claimedBatch.wrap(publisher.buffer(), at, length, batch.operationCount()));
        }
        catch (final RuntimeException ex)
        {
            publisher.abort();
            throw ex;
        }
        return commitAndWait(claimedBatch.operationCount(), length, durability);
    }

    private long applyLarge(final StoreBatch batch, final Durability durability)
    {
        // Offered, it cannot be taken back: every check of the batch ran before (checkApplicable); after the offer
        // only a store that failed meanwhile (fail-stop) can refuse the apply, and then the message is in the log
        // but not in memory, which the next open's replay puts right. The caller is told.
        // The staged copy is checked, offered and applied: the log and the table hold the same bytes.
        final StoreBatch staged = publisher.stage(store.lastSequence() + 1, batch, claimedBatch);
        store.checkApplicable(staged);
        final long position = publisher.offerStaged();
        store.announcePosition(position); // readers never see a change past the position they are told
        try
        {
            store.apply(staged);
        }
        catch (final RuntimeException ex)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "batch published at position=" + position + " but not applied: the store failed meanwhile and " +
                "accepts nothing more; it is not acknowledged, and the next open replays it from the log: dir=" +
                dir, ex);
        }
        return afterCommit(position, durability);
    }

    /**
     * Claim, and tell readers the position the change will have before it is applied, so that a value a reader sees
     * is never from a change past the position it reads after.
     */
    private int claim(final int operationsLength)
    {
        final int at = publisher.claim(operationsLength);
        store.announcePosition(publisher.claimPosition());
        return at;
    }

    private long commitAndWait(final int operationCount, final int operationsLength, final Durability durability)
    {
        // The store has just applied the mutation, so its sequence is the message's.
        final long position = publisher.commit(store.lastSequence(), operationCount, operationsLength);
        return afterCommit(position, durability);
    }

    private long afterCommit(final long position, final Durability durability)
    {
        store.logPosition(position);
        checkpoints.afterWrite(position);
        durabilityWait.acknowledge(position, durability);
        return position;
    }
}
