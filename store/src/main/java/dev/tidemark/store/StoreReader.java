/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteOrder;

import static dev.tidemark.store.ReaderBlockDescriptor.MOVES_OFFSET;
import static dev.tidemark.store.ReaderBlockDescriptor.SIZE_OFFSET;
import static dev.tidemark.store.TableDescriptor.KEY_OFFSET;
import static dev.tidemark.store.TableDescriptor.TAG_OFFSET;
import static dev.tidemark.store.TableDescriptor.VALUE_LENGTH_OFFSET;

/**
 * Reads of a store from a thread other than its writer, while the writer runs: lock-free, never writing memory the
 * writer or another reader reads, never seeing a torn, mixed or missing value. Made by
 * {@link StateStore#newReader()} on the writer thread, then used by <b>one</b> other thread (a reader keeps scratch
 * buffers and a retry count; make one per thread).
 * <p>
 * Each read follows the protocol of {@link ReaderBlockDescriptor}: it copies what it needs out of the table, then
 * checks the version stamps the writer moves around every write (and around every removal's backward shift); if
 * any moved, it reads again. A read that returns saw one state the table was in during the read:
 * <ul>
 *   <li>{@code get} and {@code contains} of a key present for the whole read find it, with a value the key held at
 *       some instant during the read; of a key absent for the whole read, do not; of a key put or removed during the
 *       read, either.</li>
 *   <li>{@code forEach} visits every entry present for the whole iteration at least once, each a copy of a value the
 *       key held at some instant; an entry a concurrent removal moved may be visited twice; entries put or removed
 *       during the iteration may or may not be visited.</li>
 * </ul>
 * A reader retries while the writer rewrites what it reads, so under a writer that rewrites one key without pause a
 * read of that key waits for a gap (each write takes tens of nanoseconds). After the store closes, every call
 * throws; a read racing the close reads the last state, never unmapped memory (the store leaves its mappings to the
 * garbage collector once it has handed out a reader).
 */
public final class StoreReader
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int RETRY = -2;
    private static final int SPINS_PER_LIVENESS_CHECK = 1 << 16;
    private static final long OWN_PID = ProcessHandle.current().pid();

    private final UnsafeBuffer region;
    private final UnsafeBuffer block;
    private final int mask;
    private final int entryLength;
    private final int keyLength;
    private final int valueOffset;
    private final int maxValueLength;
    private final int pageShift;
    private final int stripeMask;
    private final UnsafeBuffer keyCopy;
    private final UnsafeBuffer valueCopy;
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final boolean ignoreStamps;
    private final boolean ignoreMoves;
    private final int statusOffset;
    private final long expectedStatus;
    private final String where;
    private final long writerPid;
    private long retries;
    private int spins;

    /**
     * @param region       the table region's mapping (wrapped whole).
     * @param block        the reader block's mapping (wrapped whole).
     * @param geometry     the store's geometry.
     * @param generation   the generation of the open whose region this reads: any other status refuses.
     * @param where        the store's directory, for messages.
     * @param ignoreStamps for tests only: read without checking the pages' stamps.
     * @param ignoreMoves  for tests only: read without checking the moves counter. Either shows that the torture
     *                     test fails without that half of the protocol.
     */
    StoreReader(
        final UnsafeBuffer region,
        final UnsafeBuffer block,
        final StoreGeometry geometry,
        final long generation,
        final String where,
        final boolean ignoreStamps,
        final boolean ignoreMoves)
    {
        this.ignoreStamps = ignoreStamps;
        this.ignoreMoves = ignoreMoves;
        this.where = where;
        // Wrapping the mappings themselves (not their addresses) keeps them reachable while this reader is: the store
        // leaves them to the garbage collector once it has handed out a reader, and a read must never outlive them.
        this.region = new UnsafeBuffer(region.byteBuffer());
        this.block = new UnsafeBuffer(block.byteBuffer());
        this.statusOffset = ReaderBlockDescriptor.trailerOffset(this.block.capacity()) +
            ReaderBlockDescriptor.STATUS_TRAILER_OFFSET;
        this.expectedStatus = ReaderBlockDescriptor.status(generation, ReaderBlockDescriptor.OPEN);
        this.writerPid = this.block.getLong(ReaderBlockDescriptor.trailerOffset(this.block.capacity()) +
            ReaderBlockDescriptor.WRITER_PID_TRAILER_OFFSET);
        this.mask = geometry.bucketCount - 1;
        this.entryLength = geometry.entryLength;
        this.keyLength = geometry.keyLength;
        this.valueOffset = TableDescriptor.valueOffset(keyLength);
        this.maxValueLength = geometry.maxValueLength;
        this.pageShift = Integer.numberOfTrailingZeros(geometry.pageSize);
        this.stripeMask = ReaderBlockDescriptor.stripeCount(geometry.pageCount) - 1;
        this.keyCopy = new UnsafeBuffer(new byte[keyLength]);
        this.valueCopy = new UnsafeBuffer(new byte[Math.max(1, maxValueLength)]);
    }

    /**
     * Copy the value of a long key into a buffer.
     *
     * @param key         the key.
     * @param destination buffer to copy the value into; its bytes are unspecified if the key is missing.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link StateStore#MISSING}.
     * @throws IllegalArgumentException if the value does not fit in {@code destination} at {@code offset}, or the
     *                                  store's keys are not longs.
     * @throws IllegalStateException    if the store is closed.
     */
    public int get(final long key, final MutableDirectBuffer destination, final int offset)
    {
        checkOpen();
        checkLongKey();
        ArgumentChecks.checkNotNull(destination, "destination");
        return lookup(key, null, 0, destination, offset);
    }

    /**
     * Copy the value of a byte key into a buffer.
     *
     * @param key         buffer holding the key, of the store's key length.
     * @param keyOffset   offset of the key in {@code key}.
     * @param destination buffer to copy the value into; its bytes are unspecified if the key is missing.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link StateStore#MISSING}.
     * @throws IllegalArgumentException if the key or the value does not fit its buffer.
     * @throws IllegalStateException    if the store is closed.
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final MutableDirectBuffer destination, final int offset)
    {
        checkOpen();
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
        ArgumentChecks.checkNotNull(destination, "destination");
        return lookup(0, key, keyOffset, destination, offset);
    }

    /**
     * @param key the key.
     * @return whether the long key is present.
     * @throws IllegalArgumentException if the store's keys are not longs.
     * @throws IllegalStateException    if the store is closed.
     */
    public boolean contains(final long key)
    {
        checkOpen();
        checkLongKey();
        return lookup(key, null, 0, null, 0) >= 0;
    }

    /**
     * @param key       buffer holding the key, of the store's key length.
     * @param keyOffset offset of the key in {@code key}.
     * @return whether the byte key is present.
     * @throws IllegalStateException if the store is closed.
     */
    public boolean contains(final DirectBuffer key, final int keyOffset)
    {
        checkOpen();
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
        return lookup(0, key, keyOffset, null, 0) >= 0;
    }

    /**
     * @return the number of entries after the writer's latest completed change.
     * @throws IllegalStateException if the store is closed.
     */
    public int size()
    {
        checkOpen();
        final int size = (int)block.getLongAcquire(SIZE_OFFSET);
        checkOpen();
        Reference.reachabilityFence(this);
        return size;
    }

    /**
     * Visit every entry, in bucket order, each a copy taken under the protocol (see the class notes for what is
     * visited while the writer runs). The views passed are this reader's own and change at the next entry.
     *
     * @param consumer receives the key and the value; it may call this reader's gets, not forEach.
     * @return the number of visits made (an entry visited twice counts twice).
     * @throws IllegalStateException if the store is closed.
     */
    public int forEach(final EntryConsumer consumer)
    {
        checkOpen();
        ArgumentChecks.checkNotNull(consumer, "consumer");
        try
        {
            return visitAll(consumer);
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    private int visitAll(final EntryConsumer consumer)
    {
        int visits = 0;
        long moves = evenMoves();
        // The last bucket seen empty in a read the moves counter vouched for. An entry present throughout whose
        // place is after it then has its home after it too (its probe run is full from home to place), and a
        // removal moves an entry only back towards its home: so no such entry can ever move to it or before it.
        int lastEmpty = -1;
        int bucket = 0;
        while (bucket <= mask)
        {
            checkOpen();
            final int length = copyEntry(bucket * entryLength);
            VarHandle.acquireFence();
            if (RETRY == length)
            {
                retries++;
                spinWait();
                continue;
            }
            if (!ignoreMoves && block.getLong(MOVES_OFFSET) != moves)
            {
                // A removal shifted entries back while this bucket was read: an entry not yet visited may now sit
                // in a bucket already passed, but never at or before the last empty bucket seen.
                retries++;
                moves = evenMoves();
                bucket = lastEmpty + 1;
                continue;
            }
            if (length >= 0)
            {
                checkOpen();
                valueView.wrap(valueCopy, 0, length);
                consumer.accept(keyCopy, valueView);
                visits++;
            }
            else
            {
                lastEmpty = bucket;
            }
            bucket++;
        }
        return visits;
    }

    /**
     * @return how many reads this reader has had to repeat because the writer changed what they read.
     */
    public long retries()
    {
        return retries;
    }

    /**
     * The log position of the writer's latest change: when the writer announces each change's position before it
     * applies it ({@link StateStore#announcePosition(long)}, as a durable store does), every change a read made before
     * this call saw is at or below it. 0 for a store not fed from a log.
     *
     * @return the position.
     * @throws IllegalStateException if the store is closed.
     */
    public long position()
    {
        checkOpen();
        final long position = block.getLongAcquire(ReaderBlockDescriptor.POSITION_OFFSET);
        Reference.reachabilityFence(this);
        return position;
    }

    /**
     * How far the log is durable, as the writer last published it ({@link StateStore#durablePosition(long)}): a
     * change at or below it is acknowledged at the store's durability. It lags the truth by up to one of the
     * writer's duty cycles; it never leads it.
     *
     * @return the durable position, 0 if none was published.
     * @throws IllegalStateException if the store is closed.
     */
    public long durablePosition()
    {
        checkOpen();
        final long position = block.getLongAcquire(ReaderBlockDescriptor.DURABLE_POSITION_OFFSET);
        Reference.reachabilityFence(this);
        return position;
    }

    /**
     * @return the generation of the writer's open this reader reads: one more at every open of the same file.
     */
    public long generation()
    {
        return ReaderBlockDescriptor.generation(expectedStatus);
    }

    /**
     * @return whether the open this reader reads still has the store (false once it closed, broke, or another open
     *         began to rewrite the region).
     */
    boolean isCurrent()
    {
        final boolean current = block.getLongAcquire(statusOffset) == expectedStatus;
        Reference.reachabilityFence(this);
        return current;
    }

    private int lookup(
        final long longKey,
        final DirectBuffer key,
        final int keyOffset,
        final MutableDirectBuffer destination,
        final int destinationOffset)
    {
        final int tag = null == key ? KeyHash.tag(longKey) : KeyHash.tag(key, keyOffset, keyLength);
        try
        {
            while (true)
            {
                final long moves = block.getLongAcquire(MOVES_OFFSET);
                if (ignoreMoves || 0 == (moves & 1))
                {
                    final int result = probe(tag, longKey, key, keyOffset, destination, destinationOffset);
                    VarHandle.acquireFence();
                    if (RETRY != result && (ignoreMoves || block.getLong(MOVES_OFFSET) == moves))
                    {
                        // Closed meanwhile: what was read may be a reopen's rewrite of the same file, unstamped.
                        checkOpen();
                        if (null != destination && result > destination.capacity() - destinationOffset)
                        {
                            throw new IllegalArgumentException("value of " + result + " bytes does not fit in " +
                                "the destination at offset " + destinationOffset + ": capacity " +
                                destination.capacity());
                        }
                        return result;
                    }
                }
                retries++;
                checkOpen(); // a writer that failed mid-change may never make its counter even again
                spinWait();
            }
        }
        finally
        {
            Reference.reachabilityFence(this);
        }
    }

    private int probe(
        final int tag,
        final long longKey,
        final DirectBuffer key,
        final int keyOffset,
        final MutableDirectBuffer destination,
        final int destinationOffset)
    {
        int bucket = tag & mask;
        for (int steps = 0; steps <= mask; steps++)
        {
            final int offset = bucket * entryLength;
            final int entryTag = region.getInt(offset + TAG_OFFSET, ORDER);
            if (0 == entryTag)
            {
                return StateStore.MISSING;
            }
            if (entryTag == tag && keyMatches(offset, longKey, key, keyOffset))
            {
                return readValue(offset, tag, longKey, key, keyOffset, destination, destinationOffset);
            }
            bucket = (bucket + 1) & mask;
        }
        return RETRY; // no empty bucket in a whole lap: a view torn by writes, since the table is never full
    }

    private int readValue(
        final int offset,
        final int tag,
        final long longKey,
        final DirectBuffer key,
        final int keyOffset,
        final MutableDirectBuffer destination,
        final int destinationOffset)
    {
        final int stampOffset = ReaderBlockDescriptor.stampOffset(offset, pageShift, stripeMask);
        final long stamp = evenStamp(stampOffset);
        if (stamp < 0)
        {
            return RETRY;
        }
        // The key again, now under the stamps: what was compared before them may have been a write in progress.
        if (region.getInt(offset + TAG_OFFSET, ORDER) != tag || !keyMatches(offset, longKey, key, keyOffset))
        {
            return RETRY;
        }
        final int length = region.getInt(offset + VALUE_LENGTH_OFFSET, ORDER);
        if (length < 0 || length > maxValueLength)
        {
            return RETRY;
        }
        if (null != destination && length <= destination.capacity() - destinationOffset)
        {
            destination.putBytes(destinationOffset, region, offset + valueOffset, length);
        }
        VarHandle.acquireFence();
        return ignoreStamps || block.getLong(stampOffset) == stamp ? length : RETRY;
    }

    /**
     * Copy the entry at {@code offset} into the reader's own buffers under its stamps.
     *
     * @return the value's length, {@link StateStore#MISSING} for an empty bucket, or {@link #RETRY}.
     */
    private int copyEntry(final int offset)
    {
        final int stampOffset = ReaderBlockDescriptor.stampOffset(offset, pageShift, stripeMask);
        final long stamp = evenStamp(stampOffset);
        if (stamp < 0)
        {
            return RETRY;
        }
        int length = StateStore.MISSING;
        if (0 != region.getInt(offset + TAG_OFFSET, ORDER))
        {
            length = region.getInt(offset + VALUE_LENGTH_OFFSET, ORDER);
            if (length < 0 || length > maxValueLength)
            {
                return RETRY;
            }
            keyCopy.putBytes(0, region, offset + KEY_OFFSET, keyLength);
            valueCopy.putBytes(0, region, offset + valueOffset, length);
        }
        VarHandle.acquireFence();
        return ignoreStamps || block.getLong(stampOffset) == stamp ? length : RETRY;
    }

    /**
     * @return the stamp at {@code stampOffset}, read with an acquire load, or -1 while it is odd (an entry of its
     *         page being written), unless the stamps are ignored.
     */
    private long evenStamp(final int stampOffset)
    {
        final long stamp = block.getLongAcquire(stampOffset);
        return !ignoreStamps && 0 != (stamp & 1) ? -1 : stamp;
    }

    private long evenMoves()
    {
        long moves;
        while (0 != ((moves = block.getLongAcquire(MOVES_OFFSET)) & 1))
        {
            checkOpen();
            spinWait();
        }
        return moves;
    }

    private boolean keyMatches(final int offset, final long longKey, final DirectBuffer key, final int keyOffset)
    {
        return null == key ? region.getLong(offset + KEY_OFFSET, ORDER) == longKey :
            HashTable.keyEquals(region, offset, key, keyOffset, keyLength);
    }

    /**
     * Wait a moment before reading again; now and then make sure the writer still lives: a writer in another process
     * killed in the middle of a change leaves a counter odd for good (its status still OPEN).
     */
    private void spinWait()
    {
        if (0 == (++spins & (SPINS_PER_LIVENESS_CHECK - 1)) && OWN_PID != writerPid &&
            !ProcessHandle.of(writerPid).map(ProcessHandle::isAlive).orElse(false))
        {
            throw new IllegalStateException("the writer (pid " + writerPid + ") died in the middle of a change: " +
                "what it was changing cannot be read until the next open of the store: dir=" + where);
        }
        Thread.onSpinWait();
    }

    private void checkOpen()
    {
        final long status = block.getLongAcquire(statusOffset);
        if (status != expectedStatus)
        {
            throw notCurrent(status);
        }
    }

    private IllegalStateException notCurrent(final long status)
    {
        final int state = ReaderBlockDescriptor.state(status);
        final long generation = ReaderBlockDescriptor.generation(status);
        final String message;
        if (generation != generation())
        {
            message = "the store was reopened (generation " + generation + ", this reader read " + generation() +
                "): make a new reader";
        }
        else if (ReaderBlockDescriptor.CLOSED == state)
        {
            message = "store closed";
        }
        else if (ReaderBlockDescriptor.BROKEN == state)
        {
            message = "the writer failed in the middle of a change: reads refused until the store is reopened";
        }
        else
        {
            message = "the store does not admit readers (generation " + generation + "): another open is " +
                "rebuilding the region, or the open is still applying its log";
        }
        return new IllegalStateException(message + ": dir=" + where);
    }

    private void checkLongKey()
    {
        ArgumentChecks.checkLongKey(keyLength);
    }
}
