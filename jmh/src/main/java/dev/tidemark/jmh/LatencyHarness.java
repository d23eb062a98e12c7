/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.archive.DurableStoreContext;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fixed-rate latency, corrected for coordinated omission: operation i has an intended start time, start + i *
 * interval, and its latency is measured from that intended start, not from when it actually began. A stall therefore
 * counts against every operation it delayed, as a client sending at that rate would see it.
 * <p>
 * Runs: puts and gets on the mapped store at 100k, 500k and 1M ops/s; puts on the durable store at NONE at the same
 * rates; acknowledged puts at RECORDED (100k/s) and SYNCED (1k/s), and SYNCED with group commit (batches of 64 at 3k
 * batches/s). Writes one .hgrm per run (microseconds) and returns the histograms.
 */
public final class LatencyHarness
{
    private static final int ENTRIES = 1_000_000;
    private static final int VALUE_LENGTH = 64;

    /**
     * Most log bytes the pipelined SYNCED writer leaves unforced.
     */
    static final long PIPELINE_WINDOW_BYTES = 1024 * 1024;

    private final File outputDir;
    private final long secondsPerRun;
    private final PrintStream log;
    private double groupCommitMessagesPerSecond;
    private double pipelinedSyncedMessagesPerSecond;

    /**
     * @param outputDir     where the .hgrm files go.
     * @param secondsPerRun measured seconds per run (after one second of warm-up at the same rate).
     * @param log           progress.
     */
    public LatencyHarness(final File outputDir, final long secondsPerRun, final PrintStream log)
    {
        this.outputDir = outputDir;
        this.secondsPerRun = secondsPerRun;
        this.log = log;
    }

    /**
     * Run everything.
     *
     * @return histograms in nanoseconds by run name.
     * @throws Exception on failure.
     */
    public Map<String, Histogram> runAll() throws Exception
    {
        final Map<String, Histogram> results = new LinkedHashMap<>();
        final File dir = BenchmarkSupport.newDirectory("latency");
        try
        {
            try (StateStore store = StateStore.open(new StoreContext().dir(new File(dir, "mapped"))
                .keyLength(8).maxValueLength(VALUE_LENGTH).capacity(ENTRIES).errorHandler(Throwable::printStackTrace)))
            {
                final UnsafeBuffer value = fill(store);
                final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
                final long[] keys = BenchmarkSupport.randomKeys(ENTRIES, 7);
                for (final int rate : new int[]{ 100_000, 500_000, 1_000_000 })
                {
                    results.put("store-put-" + rate, run("store-put-" + rate, rate,
                        (i) -> store.put(keys[i & (keys.length - 1)], value, 0, VALUE_LENGTH)));
                    results.put("store-get-" + rate, run("store-get-" + rate, rate,
                        (i) -> store.get(keys[i & (keys.length - 1)], out, 0)));
                }
            }

            for (final Durability level : Durability.values())
            {
                try (DurableStore store = DurableStore.open(new DurableStoreContext().storeContext(new StoreContext()
                    .dir(new File(dir, "durable-" + level)).keyLength(8).maxValueLength(VALUE_LENGTH)
                    .capacity(ENTRIES)).durability(level).errorHandler(Throwable::printStackTrace)))
                {
                    final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
                    final long[] keys = BenchmarkSupport.randomKeys(ENTRIES, 9);
                    if (Durability.NONE == level)
                    {
                        for (final int rate : new int[]{ 100_000, 500_000, 1_000_000 })
                        {
                            results.put("durable-put-none-" + rate, run("durable-put-none-" + rate, rate,
                                (i) -> store.put(keys[i & (keys.length - 1)], value, 0, VALUE_LENGTH, level)));
                        }
                    }
                    else if (Durability.RECORDED == level)
                    {
                        results.put("durable-put-recorded-100000", run("durable-put-recorded-100000", 100_000,
                            (i) -> store.put(keys[i & (keys.length - 1)], value, 0, VALUE_LENGTH, level)));
                    }
                    else
                    {
                        results.put("durable-put-synced-1000", run("durable-put-synced-1000", 1_000,
                            (i) -> store.put(keys[i & (keys.length - 1)], value, 0, VALUE_LENGTH, level)));
                        groupCommitMessagesPerSecond = groupCommitThroughput(store, value, keys);
                        pipelinedSyncedMessagesPerSecond = pipelinedSyncedThroughput(store, value, keys);
                        results.put("durable-group64-synced-3000", run("durable-group64-synced-3000", 3_000,
                            (i) ->
                            {
                                for (int j = 0; j < 64; j++)
                                {
                                    store.put(keys[(i * 64 + j) & (keys.length - 1)], value, 0, VALUE_LENGTH,
                                        Durability.NONE);
                                }
                                store.awaitDurable(store.position());
                            }));
                    }
                    store.poll();
                }
            }
        }
        finally
        {
            BenchmarkSupport.delete(dir);
        }
        return results;
    }

    /**
     * @return messages per second of SYNCED group commit (64 puts at NONE, then one await) run back to back.
     */
    public double groupCommitMessagesPerSecond()
    {
        return groupCommitMessagesPerSecond;
    }

    /**
     * @return messages per second acknowledged at SYNCED when the writer never blocks on each group: it publishes at
     * NONE while at most {@link #PIPELINE_WINDOW_BYTES} are not yet forced, and the archive forces whatever has
     * accumulated (group commit by the recorder). Every message published is forced before the clock stops.
     */
    public double pipelinedSyncedMessagesPerSecond()
    {
        return pipelinedSyncedMessagesPerSecond;
    }

    private double pipelinedSyncedThroughput(final DurableStore store, final UnsafeBuffer value, final long[] keys)
    {
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(secondsPerRun);
        long messages = 0;
        int i = 0;
        while (System.nanoTime() < end)
        {
            if (store.position() - store.durablePosition() < PIPELINE_WINDOW_BYTES)
            {
                store.put(keys[i++ & (keys.length - 1)], value, 0, VALUE_LENGTH, Durability.NONE);
                messages++;
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        store.awaitDurable(store.position());
        final double rate = messages / ((System.nanoTime() - start) / 1e9);
        log.printf("  %-30s %.0f msgs/s (writer never waits per group; at most %d KiB unforced)%n",
            "durable-pipelined-synced-max", rate, PIPELINE_WINDOW_BYTES / 1024);
        return rate;
    }

    private double groupCommitThroughput(final DurableStore store, final UnsafeBuffer value, final long[] keys)
    {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secondsPerRun);
        final long start = System.nanoTime();
        long messages = 0;
        int i = 0;
        while (System.nanoTime() < end)
        {
            for (int j = 0; j < 64; j++)
            {
                store.put(keys[i++ & (keys.length - 1)], value, 0, VALUE_LENGTH, Durability.NONE);
            }
            store.awaitDurable(store.position());
            messages += 64;
        }
        final double rate = messages / ((System.nanoTime() - start) / 1e9);
        log.printf("  %-30s %.0f msgs/s (64 puts per fdatasync, back to back)%n", "durable-group64-synced-max", rate);
        return rate;
    }

    private static UnsafeBuffer fill(final StateStore store)
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
        for (long key = 0; key < ENTRIES; key++)
        {
            store.put(key, value, 0, VALUE_LENGTH);
        }
        store.checkpointAndAwait();
        return value;
    }

    /**
     * One operation of a run.
     */
    @FunctionalInterface
    interface Operation
    {
        void run(int i);
    }

    private Histogram run(final String name, final int ratePerSecond, final Operation operation) throws Exception
    {
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        pace(intervalNs, TimeUnit.SECONDS.toNanos(1), operation, null);
        final long missed = pace(intervalNs, TimeUnit.SECONDS.toNanos(secondsPerRun), operation, histogram);
        try (PrintStream out = new PrintStream(new FileOutputStream(new File(outputDir, name + ".hgrm"))))
        {
            histogram.outputPercentileDistribution(out, 1000.0);
        }
        log.printf("  %-30s p50 %8.2f us  p99 %8.2f us  p99.99 %9.2f us  max %10.2f us  (%d ops, %d behind)%n",
            name, histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
            histogram.getValueAtPercentile(99.99) / 1000.0, histogram.getMaxValue() / 1000.0,
            histogram.getTotalCount(), missed);
        return histogram;
    }

    /**
     * Issue operations at a fixed rate for a duration; record latency from each intended start.
     *
     * @return how many operations began later than one interval after their intended start.
     */
    static long pace(
        final long intervalNs, final long durationNs, final Operation operation, final Histogram histogram)
    {
        final long start = System.nanoTime();
        final long operations = durationNs / intervalNs;
        long behind = 0;
        for (int i = 0; i < operations; i++)
        {
            final long intended = start + i * intervalNs;
            long now;
            while ((now = System.nanoTime()) < intended)
            {
                Thread.onSpinWait();
            }
            if (now - intended > intervalNs)
            {
                behind++;
            }
            operation.run(i);
            if (null != histogram)
            {
                histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), System.nanoTime() - intended));
            }
        }
        return behind;
    }
}
