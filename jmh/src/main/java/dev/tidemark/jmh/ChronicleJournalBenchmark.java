/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.values.Values;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;

/**
 * Peer for the durable store's put: the journaled map a Chronicle user would build for crash recovery, a Chronicle
 * Map put (persisted to a file, as in {@link ChronicleMapBenchmark}) followed by a Chronicle Queue append of the
 * change (the key and the value, in one excerpt), so that a restart can rebuild the map from the queue. The queue
 * writes to its memory-mapped cycle files and never forces them, as the durable store's put at {@code NONE} never
 * waits for its recording; neither takes a snapshot here (the durable store checkpoints as configured, which this
 * peer has no counterpart for). Zero-copy excerpt writes through a reused document context.
 */
public class ChronicleJournalBenchmark extends ChronicleBenchmarkDefaults
{
    @Param({ "1000000" })
    int entries;

    @Param({ "64" })
    int valueLength;

    private File dir;
    private ChronicleMap<LongValue, byte[]> map;
    private ChronicleQueue queue;
    private ExcerptAppender appender;
    private LongValue key;
    private byte[] value;
    private long[] keys;
    private int index;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("chronicle-journal-bench");
        key = Values.newHeapInstance(LongValue.class);
        value = new byte[valueLength];
        map = ChronicleMap.of(LongValue.class, byte[].class)
            .name("tidemark-peer-journaled")
            .entries(entries)
            .constantValueSizeBySample(value)
            .putReturnsNull(true)
            .removeReturnsNull(true)
            .createPersistedTo(new File(dir, "map.dat"));
        queue = SingleChronicleQueueBuilder.single(new File(dir, "queue")).build();
        appender = queue.createAppender();
        for (long k = 0; k < entries; k++)
        {
            key.setValue(k);
            map.put(key, value);
            append(k);
        }
        keys = BenchmarkSupport.randomKeys(entries, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        appender.close();
        queue.close();
        map.close();
        BenchmarkSupport.delete(dir);
    }

    private void append(final long k)
    {
        try (DocumentContext context = appender.writingDocument())
        {
            final Bytes<?> bytes = context.wire().bytes();
            bytes.writeLong(k);
            bytes.write(value);
        }
    }

    /**
     * The map's put, then the change appended to the queue.
     */
    @Benchmark
    public void put()
    {
        final long k = keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)];
        key.setValue(k);
        map.put(key, value);
        append(k);
    }
}
