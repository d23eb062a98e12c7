/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.store.ProcessReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.nio.ByteBuffer;

/**
 * A reader in a second process: this benchmark's thread gets random keys through a {@link ProcessReader} (the live
 * region mapped read-only) while a writer process ({@link RemoteWriter}) puts at a fixed rate (1M random puts/s by
 * default) into the same store of {@code entries} keys. {@link ChronicleMapProcessReaderBenchmark} is the same
 * against a Chronicle Map shared by two processes. One thread in each process, on this machine's two cores.
 */
@State(Scope.Thread)
public class ProcessReaderBenchmark extends BenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "64" })
    int valueLength;

    @Param({ "1000000" })
    int writeRate;

    private File dir;
    private Process writer;
    private ProcessReader reader;
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final long[] keys = BenchmarkSupport.randomKeys(1 << 20, 7);
    private int index;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("process-reader-bench");
        writer = RemoteWriter.start("tidemark", dir, entries, valueLength, writeRate);
        reader = ProcessReader.open(dir);
        if (!reader.refresh())
        {
            throw new IllegalStateException("the reader did not attach to the writer's store in " + dir);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        reader.close();
        RemoteWriter.stop(writer);
        BenchmarkSupport.delete(dir);
    }

    @Benchmark
    public int get()
    {
        final long key = keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] % entries;
        return reader.get(key, out, 0);
    }
}
