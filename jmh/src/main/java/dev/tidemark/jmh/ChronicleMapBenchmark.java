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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;

/**
 * Peer: Chronicle Map persisted to a file (memory-mapped, off-heap), sized for the same entries and values, on the
 * same random keys. It logs nothing and takes no snapshots, so its put is the ceiling for an mmap-backed map with
 * per-segment locking. Used the way Chronicle recommends for zero allocation: a reused {@code LongValue} key,
 * {@code getUsing} into a reused array, {@code putReturnsNull} so a put does not read the old value back. Its put
 * still allocates (192 B/op with byte[] values at 64 B, through {@code put} and through a query context alike).
 * <p>
 * Chronicle needs the JDK's internals opened in its forks (its own list for Java 17), and its usage analytics off.
 */
public class ChronicleMapBenchmark extends ChronicleBenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "32", "64", "288" })
    int valueLength;

    private File dir;
    private ChronicleMap<LongValue, byte[]> map;
    private LongValue key;
    private byte[] value;
    private byte[] out;
    private long[] keys;
    private int index;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("chronicle-bench");
        key = Values.newHeapInstance(LongValue.class);
        value = new byte[valueLength];
        out = new byte[valueLength];
        map = filledMap(dir, "tidemark-peer", entries, valueLength);
        keys = BenchmarkSupport.randomKeys(entries, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        map.close();
        BenchmarkSupport.delete(dir);
    }

    private LongValue nextKey()
    {
        key.setValue(keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)]);
        return key;
    }

    @Benchmark
    public int get()
    {
        return map.getUsing(nextKey(), out).length;
    }

    @Benchmark
    public void put()
    {
        map.put(nextKey(), value);
    }

    @Benchmark
    public void removeAndReinsert()
    {
        final LongValue k = nextKey();
        map.remove(k);
        map.put(k, value);
    }
}
