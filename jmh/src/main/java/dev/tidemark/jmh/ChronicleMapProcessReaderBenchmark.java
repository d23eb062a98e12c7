/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;

/**
 * Peer of {@link ProcessReaderBenchmark}: Chronicle Map's get ({@code getUsing} into a reused array, a reused key)
 * in this process while a writer process ({@link RemoteWriter}) puts at the same fixed rate into the same map, which
 * both processes open persisted to one file. Each get takes a segment's read lock (a CAS on a lock word in the
 * mapped file, shared with the writer process).
 */
@State(Scope.Thread)
public class ChronicleMapProcessReaderBenchmark extends ChronicleBenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "64" })
    int valueLength;

    @Param({ "1000000" })
    int writeRate;

    private File dir;
    private Process writer;
    private ChronicleMap<LongValue, byte[]> map;
    private final LongValue key = Values.newHeapInstance(LongValue.class);
    private byte[] value;
    private final long[] keys = BenchmarkSupport.randomKeys(1 << 20, 7);
    private int index;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("chronicle-process-reader-bench");
        writer = RemoteWriter.start("chronicle", dir, entries, valueLength, writeRate);
        value = new byte[valueLength];
        map = openMap(dir, "tidemark-process-reader-peer", entries, valueLength);
        if (map.size() != entries)
        {
            throw new IllegalStateException("the map opened in this process holds " + map.size() + " entries");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        map.close();
        RemoteWriter.stop(writer);
        BenchmarkSupport.delete(dir);
    }

    @Benchmark
    public int get()
    {
        key.setValue(keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] % entries);
        return map.getUsing(key, value).length;
    }
}
