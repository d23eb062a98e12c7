/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.nio.ByteBuffer;

/**
 * The in-memory ceiling: an on-heap Agrona {@code Long2ObjectHashMap} of byte arrays, neither persistent nor
 * logged. get copies the value out; put copies a new value into the existing array (no allocation, the map's best
 * case).
 */
@Fork(value = 1, jvmArgsAppend = {
    BenchmarkDefaults.ADD_EXPORTS, BenchmarkDefaults.JDK_INTERNAL_MISC, "-Xms4g", "-Xmx4g", BenchmarkDefaults.GC })
public class OnHeapMapBenchmark extends BenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "32", "64", "288" })
    int valueLength;

    private Long2ObjectHashMap<byte[]> map;
    private UnsafeBuffer value;
    private UnsafeBuffer out;
    private long[] keys;
    private int index;

    @Setup(Level.Trial)
    public void setUp()
    {
        map = new Long2ObjectHashMap<>(entries * 2, 0.65f);
        for (long key = 0; key < entries; key++)
        {
            map.put(key, new byte[valueLength]);
        }
        value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        out = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        keys = BenchmarkSupport.randomKeys(entries, 42);
    }

    private long nextKey()
    {
        return keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)];
    }

    @Benchmark
    public int get()
    {
        final byte[] bytes = map.get(nextKey());
        out.putBytes(0, bytes, 0, bytes.length);
        return bytes.length;
    }

    @Benchmark
    public void put()
    {
        final byte[] bytes = map.get(nextKey());
        value.getBytes(0, bytes, 0, valueLength);
    }

    @Benchmark
    public void removeAndReinsert()
    {
        final long key = nextKey();
        final byte[] bytes = map.remove(key);
        value.getBytes(0, bytes, 0, valueLength);
        map.put(key, bytes);
    }
}
