/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The store's share of replaying one change message, without Aeron: what the replay handler does for each message
 * once its frame and CRC are checked. It prefetches the home bucket of the key {@value #AHEAD} messages ahead, wraps a
 * batch view over the message's encoded operation (validating it), applies it, and records the log position. The
 * messages are single puts of random keys of a full table, encoded back to back as the change stream carries them.
 * The replay's whole rate, Aeron's replay included, is measured by {@code RestartAndCheckpointMeasurements}; this
 * isolates the part the store's code decides, with far less noise.
 */
public class ReplayApplyBenchmark extends BenchmarkDefaults
{
    static final int AHEAD = 16;
    private static final int MESSAGES = 1 << 16;

    @Param({ "1000000" })
    int entries;

    @Param({ "64" })
    int valueLength;

    private File dir;
    private StateStore store;
    private StoreBatch view;
    private UnsafeBuffer operations;
    private int operationLength;
    private int index;
    private long position;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("replay-bench");
        store = StateStore.open(new StoreContext().dir(dir).kind(StoreKind.DURABLE).keyLength(8)
            .maxValueLength(valueLength).capacity(entries).errorHandler(Throwable::printStackTrace));
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        for (long key = 0; key < entries; key++)
        {
            value.putLong(0, key);
            store.put(key, value, 0, valueLength);
        }
        store.checkpointAndAwait();
        view = store.newBatch();
        operationLength = BatchDescriptor.operationLength(8, BatchDescriptor.PUT, valueLength);
        operations = new UnsafeBuffer(ByteBuffer.allocateDirect(MESSAGES * operationLength));
        final long[] keys = BenchmarkSupport.randomKeys(entries, 42);
        for (int i = 0; i < MESSAGES; i++)
        {
            final int at = i * operationLength;
            operations.putInt(at + BatchDescriptor.TYPE_OFFSET, BatchDescriptor.PUT, ByteOrder.LITTLE_ENDIAN);
            operations.putInt(at + BatchDescriptor.VALUE_LENGTH_OFFSET, valueLength, ByteOrder.LITTLE_ENDIAN);
            operations.putLong(at + BatchDescriptor.KEY_OFFSET, keys[i], ByteOrder.LITTLE_ENDIAN);
            operations.putLong(at + BatchDescriptor.valueOffset(8), i, ByteOrder.LITTLE_ENDIAN);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        store.closeWithoutCheckpoint();
        BenchmarkSupport.delete(dir);
    }

    @Benchmark
    public int applyOneMessage()
    {
        final int i = index++ & (MESSAGES - 1);
        final int ahead = (i + AHEAD) & (MESSAGES - 1);
        final int touched = store.prefetch(operations, ahead * operationLength + BatchDescriptor.KEY_OFFSET);
        store.apply(view.wrap(operations, i * operationLength, operationLength, 1));
        position += 64;
        store.logPosition(position);
        return touched;
    }
}
