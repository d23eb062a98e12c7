/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * The physical limit the store is measured against: a random read and a random write of the same bytes in a mapped
 * region of the same size as the store's table, the slot chosen directly by the key (no hashing, no probing, no
 * dirty tracking).
 */
public class MappedRegionBaselineBenchmark extends BenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "32", "64", "288" })
    int valueLength;

    private File dir;
    private MappedByteBuffer mapping;
    private UnsafeBuffer region;
    private UnsafeBuffer value;
    private UnsafeBuffer out;
    private long[] keys;
    private int index;
    private int slotLength;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("mapped-bench");
        // Same footprint as the store's table: two buckets per entry of key, header and value.
        slotLength = 16 + ((valueLength + 7) & ~7);
        final long length = 2L * entries * slotLength;
        mapping = IoUtil.mapNewFile(new File(dir, "region.dat"), length, true);
        region = new UnsafeBuffer(mapping);
        value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        out = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        for (int slot = 0; slot < 2 * entries; slot += 2)
        {
            region.putBytes(slot * slotLength + 16, value, 0, valueLength);
        }
        keys = BenchmarkSupport.randomKeys(entries, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        IoUtil.unmap(mapping);
        BenchmarkSupport.delete(dir);
    }

    private int nextOffset()
    {
        return (int)(keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] * 2 * slotLength) + 16;
    }

    @Benchmark
    public int randomRead()
    {
        final int offset = nextOffset();
        out.putBytes(0, region, offset, valueLength);
        return out.getInt(0);
    }

    @Benchmark
    public void randomWrite()
    {
        region.putBytes(nextOffset(), value, 0, valueLength);
    }
}
