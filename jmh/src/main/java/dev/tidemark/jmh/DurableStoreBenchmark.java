/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.archive.DurableStoreContext;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.nio.ByteBuffer;

/**
 * The durable store with its change stream (embedded driver and archive): put, a remove with the key put back (two
 * messages) and a two-put batch at each durability level. A put here is validate, claim on the IPC publication,
 * encode, apply to the mapped table, commit, and at RECORDED a wait for the archive's recording position. Checkpoints
 * run as they would for a user (every 64 MiB of log), so the figures include their share; the report also runs the
 * put with checkpoints off. A get is the store's own
 * ({@link StoreBenchmark#get()}): the durable store reads straight from it.
 */
public class DurableStoreBenchmark extends BenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "32", "64", "288" })
    int valueLength;

    @Param({ "NONE", "RECORDED" })
    Durability durability;

    /**
     * Checkpoint every this many MiB of log (the store's default, 64), or 0 for never: with 0 the figure is the
     * write path alone, without the checkpoints' copying and fsyncs competing for the two cores.
     */
    @Param({ "64" })
    long checkpointLogMiB;

    private File dir;
    private DurableStore store;
    private StoreBatch batch;
    private UnsafeBuffer value;
    private long[] keys;
    private int index;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("durable-bench");
        store = DurableStore.open(new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(valueLength).capacity(entries)).durability(durability)
            .checkpointLogBytes(0 == checkpointLogMiB ? Long.MAX_VALUE / 4 : checkpointLogMiB << 20)
            .errorHandler(Throwable::printStackTrace));
        value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        for (long key = 0; key < entries; key++)
        {
            value.putLong(0, key);
            store.put(key, value, 0, valueLength, Durability.NONE);
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

    @TearDown(Level.Iteration)
    public void housekeeping()
    {
        store.poll();
    }

    private long nextKey()
    {
        return keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)];
    }

    @Benchmark
    public long put()
    {
        return store.put(nextKey(), value, 0, valueLength, durability);
    }

    @Benchmark
    public long removeAndReinsert()
    {
        final long key = nextKey();
        store.remove(key, durability);
        return store.put(key, value, 0, valueLength, durability);
    }

    @Benchmark
    public long batchOfTwoPuts()
    {
        batch.clear().put(nextKey(), value, 0, valueLength).put(nextKey(), value, 0, valueLength);
        return store.apply(batch, durability);
    }
}
