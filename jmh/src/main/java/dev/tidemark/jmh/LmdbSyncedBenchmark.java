/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Peer: LMDB with its default durability, each put one write transaction whose commit forces data and meta page to
 * disk; the peer of Tidemark's SYNCED acknowledgement. Reads are no different from {@link LmdbBenchmark}'s, so only
 * the put is run here. Fewer, longer iterations: each operation waits on the disk.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class LmdbSyncedBenchmark extends LmdbSupport
{
    @Param({ "1000000" })
    int entries;

    @Param({ "64" })
    int valueLength;

    @Override
    int entries()
    {
        return entries;
    }

    @Override
    int valueLength()
    {
        return valueLength;
    }

    @Override
    boolean synced()
    {
        return true;
    }

    @Benchmark
    public void put()
    {
        putOne(nextKey());
    }
}
