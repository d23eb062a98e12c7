/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.nio.ByteBuffer;

/**
 * A reader thread's get while the writer thread puts at a fixed rate (1M random puts/s by default), both on the
 * same store of {@code entries} keys: the group's {@code get} is the figure, its {@code write} only keeps the rate
 * (each call waits for its intended start, then puts). {@link ChronicleMapReaderBenchmark} is the same against
 * Chronicle Map. No checkpoints run. Two threads on this machine's two cores: nothing else may run beside.
 */
@State(Scope.Group)
public class ReaderBenchmark extends BenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "64" })
    int valueLength;

    @Param({ "1000000" })
    int writeRate;

    private File dir;
    private StateStore store;
    private StoreReader reader;
    private long intervalNs;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("reader-bench");
        store = StateStore.open(new StoreContext().dir(dir).keyLength(8).maxValueLength(valueLength)
            .capacity(entries).errorHandler(Throwable::printStackTrace));
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        for (long key = 0; key < entries; key++)
        {
            value.putLong(0, key);
            store.put(key, value, 0, valueLength);
        }
        reader = store.newReader();
        intervalNs = 1_000_000_000L / writeRate;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        store.claimWriter();
        store.closeWithoutCheckpoint();
        BenchmarkSupport.delete(dir);
    }

    /**
     * The reader's own keys and buffer.
     */
    @State(Scope.Thread)
    public static class ReaderState
    {
        final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final long[] keys = BenchmarkSupport.randomKeys(1 << 20, 7);
        int index;
    }

    /**
     * The writer's keys, buffer and schedule.
     */
    @State(Scope.Thread)
    public static class WriterState
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final long[] keys = BenchmarkSupport.randomKeys(1 << 20, 42);
        int index;
        long next;
        boolean claimed;
    }

    @Benchmark
    @Group("readWhileWriting")
    @GroupThreads(1)
    public int get(final ReaderState state)
    {
        final long key = state.keys[state.index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] % entries;
        return reader.get(key, state.out, 0);
    }

    @Benchmark
    @Group("readWhileWriting")
    @GroupThreads(1)
    public void write(final WriterState state)
    {
        if (!state.claimed)
        {
            store.claimWriter();
            state.claimed = true;
            state.next = System.nanoTime();
        }
        while (System.nanoTime() < state.next)
        {
            Thread.onSpinWait();
        }
        state.next += intervalNs;
        final long key = state.keys[state.index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] % entries;
        state.value.putLong(0, key + state.index);
        store.put(key, state.value, 0, valueLength);
    }
}
