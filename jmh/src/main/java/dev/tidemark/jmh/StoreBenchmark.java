/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.nio.ByteBuffer;

/**
 * The mapped store alone: get (copy out), view (zero-copy), put (replace an existing key), a remove with the key put
 * back, and a two-put atomic batch, on random keys of a full table. The values' length and the entry count are
 * parameters. 1,344-byte values are not in the default set: a million of them exceed the 2 GiB region of format
 * version 1, so the report runs them at 700,000 entries (and the peers with them).
 */
public class StoreBenchmark extends BenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "32", "64", "288" })
    int valueLength;

    /**
     * Whether the writer keeps the stamps readers on other threads need (the default).
     */
    @Param({ "true" })
    boolean readers;

    private File dir;
    private StateStore store;
    private StoreBatch batch;
    private UnsafeBuffer value;
    private UnsafeBuffer out;
    private long[] keys;
    private int index;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("store-bench");
        store = StateStore.open(new StoreContext().dir(dir).keyLength(8).maxValueLength(valueLength)
            .capacity(entries).concurrentReaders(readers).errorHandler(Throwable::printStackTrace));
        value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        out = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        for (long key = 0; key < entries; key++)
        {
            value.putLong(0, key);
            store.put(key, value, 0, valueLength);
        }
        store.checkpointAndAwait();
        batch = store.newBatch();
        keys = BenchmarkSupport.randomKeys(entries, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        store.closeWithoutCheckpoint();
        BenchmarkSupport.delete(dir);
    }

    private long nextKey()
    {
        return keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)];
    }

    @Benchmark
    public int get()
    {
        return store.get(nextKey(), out, 0);
    }

    @Benchmark
    public int view()
    {
        final DirectBuffer view = store.view(nextKey());
        return view.getInt(0);
    }

    @Benchmark
    public void put()
    {
        store.put(nextKey(), value, 0, valueLength);
    }

    @Benchmark
    public void removeAndReinsert()
    {
        final long key = nextKey();
        store.remove(key);
        store.put(key, value, 0, valueLength);
    }

    @Benchmark
    public void batchOfTwoPuts()
    {
        batch.clear().put(nextKey(), value, 0, valueLength).put(nextKey(), value, 0, valueLength);
        store.apply(batch);
    }
}
