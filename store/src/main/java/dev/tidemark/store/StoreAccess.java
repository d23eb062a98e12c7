/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;

/**
 * The table of a {@link StateStore} and the rules every call on it obeys: the parts an open wires together (the hash
 * table over the live region, its write barrier, and the checkpointer it shares the checkpoint handshake with), the
 * reads, and the checks each read and write makes first (open, on the writer thread, not inside forEach, not
 * fail-stop, keys and values of the store's sizes). {@link StateStore} adds the writes, checkpoints and lifecycle.
 * Writer thread only, as for the store.
 */
abstract class StoreAccess
{
    private static final boolean CHECK_WRITER_THREAD = StoreConfiguration.checkWriterThread();

    final StoreContext ctx;
    final StoreGeometry geometry;
    final UnsafeBuffer live;
    final CheckpointHandshake handshake;
    final Checkpointer checkpointer;
    final PageTracker tracker;
    final HashTable table;
    final ReaderStamps readerStamps;
    final int keyLength;
    final int maxValueLength;
    final int capacity;
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final int valueOffset;

    Thread writerThread = Thread.currentThread();
    boolean closed;
    boolean iterating;
    int size;

    StoreAccess(final OpenedStore opened)
    {
        ctx = opened.ctx();
        final HeaderFile header = opened.header();
        final SnapshotSlot[] slots = opened.slots();
        geometry = header.geometry();
        live = new UnsafeBuffer(opened.liveMapping());
        keyLength = geometry.keyLength;
        maxValueLength = geometry.maxValueLength;
        capacity = geometry.capacity;
        handshake = new CheckpointHandshake(live, slots, geometry.pageSize, ctx.checkpointPreImagePages());
        tracker = new PageTracker(geometry.pageSize, geometry.pageCount, handshake);
        size = (int)header.record(opened.chosenSlot()).entryCount;
        readerStamps = new ReaderStamps(
            new UnsafeBuffer(opened.readerBlock()), geometry, size, ctx.concurrentReaders(), opened.readerGeneration(),
            ReaderStamps.inode(ctx.dir()));
        table = new HashTable(live, tracker, readerStamps, geometry);
        valueOffset = table.valueOffset();
        // Last, as it starts the forcer's thread: the subclass stops it if its own construction fails.
        checkpointer = new Checkpointer(
            handshake, slots, header, ctx.durableLog(), ctx.errorHandler(), ctx.nanoClock(),
            ctx.checkpointDurableTimeoutNs(), ctx.checkpointPagesPerDutyCycle(), new CheckpointWriteBack(
            geometry.pageSize, ctx.checkpointFlushBytes(), ctx.checkpointWriteBytesPerSecond(),
            ctx.checkpointPagesPerDutyCycle()),
            ctx.checkpointForcerThread() ? new CheckpointForcer(ctx.checkpointerThreadFactory()) : null);
    }

    // ------------------------------------------------------------------------------------------------ reads

    /**
     * A reader for another thread: lock-free reads while this writer runs (see {@link StoreReader}). Call on the
     * writer thread; hand the reader to one other thread.
     *
     * @return a new reader.
     * @throws IllegalStateException if the store was opened with {@link StoreContext#concurrentReaders(boolean)} off.
     */
    public StoreReader newReader()
    {
        return newReader(false, false);
    }

    /**
     * Publish how far the log is durable, for readers ({@link StoreReader#durablePosition()}); the owner of the log
     * calls it as the position moves.
     *
     * @param position the position up to which the log is durable.
     */
    public void durablePosition(final long position)
    {
        checkWrite();
        readerStamps.durablePosition(position);
    }

    /**
     * Tell readers the log position of the change about to be applied, before it is applied, so that a value a
     * reader sees is never from a change past {@link StoreReader#position()} (a durable store announces each
     * change's position between its claim and its apply; {@link StateStore#logPosition(long)} alone publishes only
     * after the change).
     *
     * @param position the log position after the change about to be applied.
     */
    public void announcePosition(final long position)
    {
        checkWrite();
        readerStamps.position(position);
    }

    /**
     * Let readers attach and read, on other threads ({@link StoreReader}) and in other processes
     * ({@link ProcessReader}), once the state is the one they should see (see
     * {@link StoreContext#admitReadersOnOpen(boolean)}). Idempotent.
     */
    public void admitReaders()
    {
        checkWrite();
        readerStamps.admit();
    }

    /**
     * For tests only: a reader that ignores the pages' stamps or the moves counter.
     */
    final StoreReader newReader(final boolean ignoreStamps, final boolean ignoreMoves)
    {
        checkRead();
        if (!readerStamps.enabled())
        {
            throw new IllegalStateException("concurrent readers are off for this store (StoreContext." +
                "concurrentReaders): dir=" + ctx.dir());
        }
        readerStamps.markHandedOut();
        return new StoreReader(live, readerStamps.block(), geometry, readerStamps.generation(), ctx.dir().getPath(),
            ignoreStamps, ignoreMoves);
    }

    /**
     * Copy the value of a long key into a buffer.
     *
     * @param key         the key.
     * @param destination buffer to copy the value into.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link StateStore#MISSING}.
     * @throws IllegalArgumentException if the value does not fit in {@code destination} at {@code offset}.
     */
    public int get(final long key, final MutableDirectBuffer destination, final int offset)
    {
        checkRead();
        checkLongKey();
        ArgumentChecks.checkNotNull(destination, "destination");
        final int entry = table.probe(key);
        return entry < 0 ? StateStore.MISSING : copyValue(entry, destination, offset);
    }
    /**
     * Copy the value of a byte key into a buffer.
     *
     * @param key         buffer holding the key, of the store's key length.
     * @param keyOffset   offset of the key in {@code key}.
     * @param destination buffer to copy the value into.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link StateStore#MISSING}.
     * @throws IllegalArgumentException if the value does not fit in {@code destination} at {@code offset}.
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final MutableDirectBuffer destination, final int offset)
    {
        checkRead();
        checkKey(key, keyOffset);
        ArgumentChecks.checkNotNull(destination, "destination");
        final int entry = table.probe(key, keyOffset);
        return entry < 0 ? StateStore.MISSING : copyValue(entry, destination, offset);
    }
    /**
     * A zero-copy view of the value of a long key, valid until the next call on this store.
     *
     * @param key the key.
     * @return a view of the value (the same view object every call), or null if the key is not present.
     */
    public DirectBuffer view(final long key)
    {
        checkRead();
        checkLongKey();
        final int entry = table.probe(key);
        return entry < 0 ? null : wrapValue(entry);
    }
    /**
     * A zero-copy view of the value of a byte key, valid until the next call on this store.
     *
     * @param key       buffer holding the key, of the store's key length.
     * @param keyOffset offset of the key in {@code key}.
     * @return a view of the value (the same view object every call), or null if the key is not present.
     */
    public DirectBuffer view(final DirectBuffer key, final int keyOffset)
    {
        checkRead();
        checkKey(key, keyOffset);
        final int entry = table.probe(key, keyOffset);
        return entry < 0 ? null : wrapValue(entry);
    }
    /**
     * A hint, changing nothing: load the home bucket of a key that is about to be written, so its cache miss is
     * taken now, alongside others, rather than when the write needs it. Replay prefetches the keys of a group of
     * messages ahead of the one it applies. A key that would run past the end of its buffer is ignored.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @return the tag found (meaningless; returned so that the load is not optimised away).
     */
    public int prefetch(final DirectBuffer key, final int keyOffset)
    {
        ArgumentChecks.checkNotNull(key, "key");
        if (keyOffset < 0 || keyOffset > key.capacity() - keyLength)
        {
            return 0;
        }
        return table.prefetch(key, keyOffset);
    }
    /**
     * Is a long key present?
     *
     * @param key the key.
     * @return true if present.
     */
    public boolean contains(final long key)
    {
        checkRead();
        checkLongKey();
        return table.probe(key) >= 0;
    }
    /**
     * Is a byte key present?
     *
     * @param key       buffer holding the key, of the store's key length.
     * @param keyOffset offset of the key in {@code key}.
     * @return true if present.
     */
    public boolean contains(final DirectBuffer key, final int keyOffset)
    {
        checkRead();
        checkKey(key, keyOffset);
        return table.probe(key, keyOffset) >= 0;
    }
    /**
     * Number of entries.
     *
     * @return number of entries.
     */
    public int size()
    {
        checkRead();
        return size;
    }
    /**
     * Visit every entry, in table order, without allocating. The consumer must not change the store.
     *
     * @param consumer receives each key and value as views valid during the call.
     */
    public void forEach(final EntryConsumer consumer)
    {
        checkRead();
        ArgumentChecks.checkNotNull(consumer, "consumer");
        iterating = true;
        try
        {
            table.forEach(consumer, keyView, valueView);
        }
        finally
        {
            iterating = false;
        }
    }
    /**
     * Visit every entry of a store with long keys, in table order, without allocating. The consumer must not change
     * the store.
     *
     * @param consumer receives each key, and its value as a view valid during the call.
     */
    public void forEachLong(final LongEntryConsumer consumer)
    {
        checkRead();
        checkLongKey();
        ArgumentChecks.checkNotNull(consumer, "consumer");
        iterating = true;
        try
        {
            table.forEachLong(consumer, valueView);
        }
        finally
        {
            iterating = false;
        }
    }
    /**
     * Make the calling thread the writer. Hand the store over through a happens-before edge (a thread start, a
     * queue), and stop using it on the old thread.
     */
    public void claimWriter()
    {
        if (closed)
        {
            throw new IllegalStateException("store closed: dir=" + ctx.dir());
        }
        writerThread = Thread.currentThread();
    }
    /**
     * @return the fatal error that made the store fail-stop, or null.
     */
    public Throwable failure()
    {
        return checkpointer.fatalError();
    }
    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }
    /**
     * @return the random id given to the store at creation, kept in its header and slot files.
     */
    public long storeId()
    {
        return geometry.storeId;
    }
    /**
     * @return the fixed key length.
     */
    public int keyLength()
    {
        return keyLength;
    }
    /**
     * @return the maximum value length.
     */
    public int maxValueLength()
    {
        return maxValueLength;
    }
    /**
     * @return the most entries the table accepts.
     */
    public int capacity()
    {
        return capacity;
    }
    /**
     * @return the length of the mapped region.
     */
    public long regionLength()
    {
        return geometry.regionLength;
    }
    /**
     * @return the store directory.
     */
    public File dir()
    {
        return ctx.dir();
    }
    final int copyValue(final int entry, final MutableDirectBuffer destination, final int offset)
    {
        final int length = table.valueLength(entry);
        if (offset < 0 || destination.capacity() - offset < length)
        {
            throw new IllegalArgumentException("destination too small: valueLength=" + length + " offset=" +
                offset + " capacity=" + destination.capacity());
        }
        destination.putBytes(offset, live, entry + valueOffset, length);
        return length;
    }
    final DirectBuffer wrapValue(final int entry)
    {
        valueView.wrap(live.addressOffset() + entry + valueOffset, table.valueLength(entry));
        return valueView;
    }
    final void checkRead()
    {
        if (closed)
        {
            throw new IllegalStateException("store closed: dir=" + ctx.dir());
        }
        checkWriterThread();
    }
    final void checkWrite()
    {
        checkRead();
        if (iterating)
        {
            throw new IllegalStateException("store changed during forEach: dir=" + ctx.dir());
        }
        checkNotFailed();
    }
    final void checkNotFailed()
    {
        final Throwable failure = checkpointer.fatalError();
        if (null != failure)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "store is fail-stop after an earlier failure: dir=" + ctx.dir(), failure);
        }
    }
    final void checkWriterThread()
    {
        if (CHECK_WRITER_THREAD && Thread.currentThread() != writerThread)
        {
            throw new IllegalStateException("not the writer thread: thread=" + Thread.currentThread().getName() +
                " writer=" + writerThread.getName() + " (see StateStore.claimWriter)");
        }
    }
    final void checkLongKey()
    {
        ArgumentChecks.checkLongKey(keyLength);
    }
    final void checkKey(final DirectBuffer key, final int keyOffset)
    {
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
    }
    final void checkValue(final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
    }
    final void checkNotFull()
    {
        if (size >= capacity)
        {
            throw new IllegalStateException("table full: capacity=" + capacity + " dir=" + ctx.dir());
        }
    }
}
