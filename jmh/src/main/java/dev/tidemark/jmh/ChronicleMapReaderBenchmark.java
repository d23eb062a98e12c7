/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
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

/**
 * Peer of {@link ReaderBenchmark}: Chronicle Map's get ({@code getUsing} into a reused array, a reused key) on a
 * reader thread while a writer thread puts at the same fixed rate, on a map persisted to a file, sized and filled
 * as the store is. Chronicle Map serves both threads with its segment locks: each get takes a read lock (a CAS on a
 * lock word in the mapped file).
 */
@State(Scope.Group)
public class ChronicleMapReaderBenchmark extends ChronicleBenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "64" })
    int valueLength;

    @Param({ "1000000" })
    int writeRate;

    private File dir;
    private ChronicleMap<LongValue, byte[]> map;
    private long intervalNs;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("chronicle-reader-bench");
        map = filledMap(dir, "tidemark-reader-peer", entries, valueLength);
        intervalNs = 1_000_000_000L / writeRate;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        map.close();
        BenchmarkSupport.delete(dir);
    }

    /**
     * A thread's own key, value, keys and schedule.
     */
    @State(Scope.Thread)
    public static class ThreadState
    {
        final LongValue key = Values.newHeapInstance(LongValue.class);
        byte[] value;
        long[] keys;
        int index;
        long next;

        @Setup(Level.Trial)
        public void setUp(final ChronicleMapReaderBenchmark benchmark)
        {
            value = new byte[benchmark.valueLength];
            keys = BenchmarkSupport.randomKeys(1 << 20, 7);
            next = System.nanoTime();
        }
    }

    @Benchmark
    @Group("readWhileWriting")
    @GroupThreads(1)
    public int get(final ThreadState state)
    {
        state.key.setValue(state.keys[state.index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] % entries);
        return map.getUsing(state.key, state.value).length;
    }

    @Benchmark
    @Group("readWhileWriting")
    @GroupThreads(1)
    public void write(final ThreadState state)
    {
        while (System.nanoTime() < state.next)
        {
            Thread.onSpinWait();
        }
        state.next += intervalNs;
        state.key.setValue(state.keys[state.index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] % entries);
        state.value[0] = (byte)state.index;
        map.put(state.key, state.value);
    }
}
