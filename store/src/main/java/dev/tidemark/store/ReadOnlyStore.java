/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.File;

/**
 * A read-only view of a {@link StateStore}: its reads, identity and statistics, and no way to write. What a store
 * fed from a log hands out ({@code DurableStore.storeView()}), so that nothing can change the state behind the log's
 * back (a write there would take a sequence number the log never saw, and the next open would refuse the gap).
 * <p>
 * The same object for the store's life; each call delegates to the store, with its rules: on the writer thread
 * only, and failing once the store is closed. Zero allocation.
 */
public final class ReadOnlyStore
{
    private final StateStore store;

    ReadOnlyStore(final StateStore store)
    {
        this.store = store;
    }

    /**
     * @return a reader for another thread, reading while the writer writes.
     * @see StateStore#newReader()
     */
    public StoreReader newReader()
    {
        return store.newReader();
    }

    /**
     * @param key         the key.
     * @param destination buffer to copy the value into.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link StateStore#MISSING}.
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
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link StateStore#MISSING}.
     * @see StateStore#get(DirectBuffer, int, MutableDirectBuffer, int)
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final MutableDirectBuffer destination, final int offset)
    {
        return store.get(key, keyOffset, destination, offset);
    }

    /**
     * @param key the key.
     * @return a view of the value valid until the next call on the store, or null.
     * @see StateStore#view(long)
     */
    public DirectBuffer view(final long key)
    {
        return store.view(key);
    }

    /**
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @return a view of the value valid until the next call on the store, or null.
     * @see StateStore#view(DirectBuffer, int)
     */
    public DirectBuffer view(final DirectBuffer key, final int keyOffset)
    {
        return store.view(key, keyOffset);
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
     * @param consumer receives each entry, as views valid during the call.
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

    /**
     * @return the store's statistics: what the open restored, checkpoint results, the writer's copies.
     */
    public StoreStatistics statistics()
    {
        return store.statistics();
    }

    /**
     * @return checkpoints committed since open.
     */
    public long checkpointsCommitted()
    {
        return store.checkpointsCommitted();
    }

    /**
     * @return the log position of the newest committed checkpoint.
     */
    public long lastCheckpointPosition()
    {
        return store.lastCheckpointPosition();
    }

    /**
     * @return the lowest log position a restart may need.
     * @see StateStore#retainedPosition()
     */
    public long retainedPosition()
    {
        return store.retainedPosition();
    }

    /**
     * @return sequence number of the last mutation applied.
     */
    public long lastSequence()
    {
        return store.lastSequence();
    }

    /**
     * @return log position the state matches.
     */
    public long lastPosition()
    {
        return store.lastPosition();
    }

    /**
     * @return the log the positions belong to.
     */
    public LogIdentity logIdentity()
    {
        return store.logIdentity();
    }

    /**
     * @return the fixed key length.
     */
    public int keyLength()
    {
        return store.keyLength();
    }

    /**
     * @return the maximum value length.
     */
    public int maxValueLength()
    {
        return store.maxValueLength();
    }

    /**
     * @return the most entries the table accepts.
     */
    public int capacity()
    {
        return store.capacity();
    }

    /**
     * @return the random id given to the store at creation.
     */
    public long storeId()
    {
        return store.storeId();
    }

    /**
     * @return the fatal error that made the store fail-stop, or null.
     */
    public Throwable failure()
    {
        return store.failure();
    }

    /**
     * @return the store directory.
     */
    public File dir()
    {
        return store.dir();
    }
}
