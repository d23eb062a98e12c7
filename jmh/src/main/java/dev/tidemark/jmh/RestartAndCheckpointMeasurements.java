/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.archive.DurableStoreContext;
import dev.tidemark.archive.RecoveryReport;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;
import io.aeron.CommonContext;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.logbuffer.FragmentHandler;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What JMH cannot measure well because each sample is a whole open or checkpoint: clean restart time against state
 * size, recovery time against log length since the last snapshot (the replay rate), checkpoint time against dirty
 * pages at two state sizes, and the writer's latency at a fixed rate with checkpoints running against without.
 */
final class RestartAndCheckpointMeasurements
{
    private static final int VALUE_LENGTH = 64;

    final List<String[]> restarts = new ArrayList<>();
    final List<String[]> replays = new ArrayList<>();
    final List<String[]> checkpoints = new ArrayList<>();
    final List<double[]> replayPoints = new ArrayList<>();
    Histogram writerWithoutCheckpoints;
    Histogram writerWithCheckpoints;
    long checkpointsDuringRun;

    private final boolean full;
    private final PrintStream log;

    RestartAndCheckpointMeasurements(final boolean full, final PrintStream log)
    {
        this.full = full;
        this.log = log;
    }

    /**
     * Run some of the measurements alone, printing the figures (to profile or re-check one of them):
     * <pre>
     * java -cp jmh/target/benchmarks.jar dev.tidemark.jmh.RestartAndCheckpointMeasurements \
     *     (restart | replay | checkpoint | writer | recorded)... [--full]
     * </pre>
     *
     * @param args which measurements, and --full for the larger sizes.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final List<String> parts = new ArrayList<>(List.of(args));
        final boolean full = parts.remove("--full");
        final RestartAndCheckpointMeasurements measurements = new RestartAndCheckpointMeasurements(full, System.out);
        final File dir = BenchmarkSupport.newDirectory("restart");
        try
        {
            for (final String part : parts)
            {
                switch (part)
                {
                    case "restart" -> measurements.cleanRestarts(dir);
                    case "replay" -> measurements.replays(dir);
                    case "checkpoint" -> measurements.checkpointCost(dir);
                    case "writer" -> measurements.writerDuringCheckpoints(dir);
                    case "recorded" -> measurements.recordedDuringCheckpoints(dir);
                    default -> throw new IllegalArgumentException(
                        "unknown measurement: " + part + " (restart, replay, checkpoint, writer, recorded)");
                }
            }
        }
        finally
        {
            BenchmarkSupport.delete(dir);
        }
    }

    void runAll() throws Exception
    {
        final File dir = BenchmarkSupport.newDirectory("restart");
        try
        {
            cleanRestarts(dir);
            replays(dir);
            checkpointCost(dir);
            writerDuringCheckpoints(dir);
        }
        finally
        {
            BenchmarkSupport.delete(dir);
        }
    }

    private void cleanRestarts(final File root) throws Exception
    {
        final int[] sizes = full ? new int[]{ 1_000_000, 4_000_000, 8_000_000 } : new int[]{ 1_000_000, 8_000_000 };
        for (final int entries : sizes)
        {
            final File dir = new File(root, "clean-" + entries);
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
            long regionLength;
            try (StateStore store = open(dir, entries))
            {
                for (long key = 0; key < entries; key++)
                {
                    value.putLong(0, key);
                    store.put(key, value, 0, VALUE_LENGTH);
                }
                regionLength = store.regionLength();
            }
            for (int run = 0; run < 3; run++)
            {
                final long start = System.nanoTime();
                try (StateStore store = open(dir, entries))
                {
                    final long took = System.nanoTime() - start;
                    restarts.add(new String[]{ Integer.toString(entries), mib(regionLength), Integer.toString(run + 1),
                        ms(took), ms(store.statistics().openDurationNs()) });
                    log.printf("  clean restart: %d entries, %s MiB: %s ms%n", entries, mib(regionLength), ms(took));
                }
            }
            BenchmarkSupport.delete(dir);
        }
    }

    private void replays(final File root) throws Exception
    {
        final int entries = 1_000_000;
        final String aeronDir = CommonContext.getAeronDirectoryName() + "-tidemark-bench-replay";
        for (final int messages : full ? new int[]{ 250_000, 1_000_000, 4_000_000 } : new int[]{ 250_000, 2_000_000 })
        {
            final File dir = new File(root, "replay-" + messages);
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
            final long from;
            final long logBytes;
            try (DurableStore store = DurableStore.open(durableContext(dir, entries).aeronDirectoryName(aeronDir)))
            {
                for (long key = 0; key < entries; key++)
                {
                    store.put(key, value, 0, VALUE_LENGTH, Durability.NONE);
                }
                store.checkpointAndAwait();
                from = store.position();
                for (long i = 0; i < messages; i++)
                {
                    value.putLong(0, i);
                    store.put(i % entries, value, 0, VALUE_LENGTH, Durability.NONE);
                }
                store.awaitDurable(store.position());
                logBytes = store.position() - from;
                store.closeWithoutCheckpoint();
            }
            final long start = System.nanoTime();
            try (DurableStore store = DurableStore.open(durableContext(dir, entries).aeronDirectoryName(aeronDir)))
            {
                final long took = System.nanoTime() - start;
                final double openRate = store.recovery().replayedMessages() / (took / 1e9);
                final RecoveryReport recovery = store.recovery();
                final double replayRate = recovery.replayedMessages() / (recovery.replayDurationNs() / 1e9);
                // The physical limit: the same range replayed by the same archive to a plain subscription that
                // only counts the messages.
                final double rawRate = rawReplayRate(aeronDir, store.recordingId(), from, logBytes);
                replays.add(new String[]{ Integer.toString(messages), mib(logBytes),
                    Long.toString(recovery.replayedMessages()), ms(took), ms(recovery.replayDurationNs()),
                    String.format(Locale.ROOT, "%.2f", openRate / 1e6),
                    String.format(Locale.ROOT, "%.2f", replayRate / 1e6),
                    String.format(Locale.ROOT, "%.2f", rawRate / 1e6),
                    String.format(Locale.ROOT, "%.0f%%", 100 * replayRate / rawRate) });
                replayPoints.add(new double[]{ messages, took / 1e6 });
                log.printf("  recovery: %d messages (%s MiB) in an open of %s ms, replay %s ms: %.2f M msgs/s " +
                    "(raw archive replay %.2f M msgs/s)%n", store.recovery().replayedMessages(), mib(logBytes),
                    ms(took),
                    ms(store.recovery().replayDurationNs()), replayRate / 1e6, rawRate / 1e6);
                store.closeWithoutCheckpoint();
            }
            BenchmarkSupport.delete(dir);
        }
    }

    private static double rawReplayRate(
        final String aeronDir, final long recordingId, final long from, final long length)
    {
        final long[] count = new long[1];
        final FragmentHandler counter = (buffer, offset, fragmentLength, header) -> count[0]++;
        try (AeronArchive archive = AeronArchive.connect(new AeronArchive.Context().aeronDirectoryName(aeronDir)
            .controlRequestChannel(CommonContext.IPC_CHANNEL).controlResponseChannel(CommonContext.IPC_CHANNEL)))
        {
            final long start = System.nanoTime();
            try (Subscription subscription = archive.replay(
                recordingId, from, length, CommonContext.IPC_CHANNEL, 9_901))
            {
                while (0 == subscription.imageCount())
                {
                    Thread.onSpinWait();
                }
                final Image image = subscription.imageAtIndex(0);
                final long stop = from + length;
                while (image.position() < stop)
                {
                    if (0 == image.poll(counter, 1024) && image.isClosed())
                    {
                        throw new IllegalStateException("raw replay ended at " + image.position() + " < " + stop);
                    }
                }
            }
            return count[0] / ((System.nanoTime() - start) / 1e9);
        }
    }

    private void checkpointCost(final File root) throws Exception
    {
        for (final int entries : new int[]{ 1_000_000, 8_000_000 })
        {
            final File dir = new File(root, "checkpoint-" + entries);
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
            try (StateStore store = openFilledAndCheckpointed(dir, entries, value))
            {
                final long pages = store.regionLength() / 4096;
                for (final int dirty : new int[]{ 10, 100, 1_000, 10_000 })
                {
                    // Two checkpoints so the slot written last holds every change made before the first.
                    final long stride = Math.max(1, entries / dirty);
                    for (int round = 0; round < 2; round++)
                    {
                        for (long key = 0, n = 0; n < dirty; key += stride, n++)
                        {
                            store.put(key % entries, value, 0, VALUE_LENGTH);
                        }
                        store.checkpointAndAwait();
                    }
                    checkpoints.add(new String[]{ Integer.toString(entries), Long.toString(pages),
                        Integer.toString(dirty), Integer.toString(store.statistics().lastCheckpointPagesCopied()),
                        ms(store.statistics().lastCheckpointDurationNs()) });
                    log.printf("  checkpoint: %d entries (%d pages), %d keys changed: %d pages copied, %s ms%n",
                        entries, pages, dirty, store.statistics().lastCheckpointPagesCopied(),
                        ms(store.statistics().lastCheckpointDurationNs()));
                }
            }
            BenchmarkSupport.delete(dir);
        }
    }

    private void writerDuringCheckpoints(final File root) throws Exception
    {
        final int entries = 1_000_000;
        final File dir = new File(root, "writer");
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
        try (StateStore store = openFilledAndCheckpointed(dir, entries, value))
        {
            final long[] keys = BenchmarkSupport.randomKeys(entries, 3);
            final long seconds = full ? 10 : 3;
            final long interval = TimeUnit.SECONDS.toNanos(1) / 200_000;
            LatencyHarness.pace(interval, TimeUnit.SECONDS.toNanos(1),
                (i) -> store.put(keys[i & (keys.length - 1)], value, 0, VALUE_LENGTH), null);
            writerWithoutCheckpoints = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            LatencyHarness.pace(interval, TimeUnit.SECONDS.toNanos(seconds),
                (i) -> store.put(keys[i & (keys.length - 1)], value, 0, VALUE_LENGTH), writerWithoutCheckpoints);
            final long before = store.checkpointsCommitted();
            writerWithCheckpoints = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            LatencyHarness.pace(interval, TimeUnit.SECONDS.toNanos(seconds), (i) ->
            {
                store.put(keys[i & (keys.length - 1)], value, 0, VALUE_LENGTH);
                if (0 == (i & 16383))
                {
                    store.checkpoint();
                }
            }, writerWithCheckpoints);
            store.awaitCheckpoint(TimeUnit.SECONDS.toNanos(60));
            checkpointsDuringRun = store.checkpointsCommitted() - before;
            log.printf("  writer at 200k puts/s: p99.99 %.2f us without checkpoints, %.2f us with %d checkpoints%n",
                writerWithoutCheckpoints.getValueAtPercentile(99.99) / 1e3,
                writerWithCheckpoints.getValueAtPercentile(99.99) / 1e3, checkpointsDuringRun);
        }
    }

    /**
     * RECORDED acknowledgement latency of a durable store at 100k random puts/s for 10 s, with checkpoints every
     * 64 MiB of log (each copying most of the 160 MiB region) and with none: prints the percentiles and every 100 ms
     * window whose worst latency passed 10 ms. Run with -Dtidemark.bench.dir=/dev/shm to take the disk out.
     */
    void recordedDuringCheckpoints(final File root) throws Exception
    {
        final int entries = 1_000_000;
        final long[] keys = BenchmarkSupport.randomKeys(entries, 5);
        for (final long checkpointLogBytes : new long[]{ 64L << 20, Long.MAX_VALUE / 4 })
        {
            final File dir = new File(root, "recorded-" + (checkpointLogBytes >> 20));
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
            try (DurableStore store = DurableStore.open(new DurableStoreContext().storeContext(new StoreContext()
                .dir(dir).keyLength(8).maxValueLength(VALUE_LENGTH).capacity(entries)).durability(Durability.RECORDED)
                .checkpointLogBytes(checkpointLogBytes).errorHandler(Throwable::printStackTrace)))
            {
                for (long key = 0; key < entries; key++)
                {
                    store.put(key, value, 0, VALUE_LENGTH, Durability.NONE);
                }
                store.checkpointAndAwait();
                store.checkpointAndAwait();
                final long before = store.storeView().checkpointsCommitted();
                final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                final long intervalNs = TimeUnit.SECONDS.toNanos(1) / 100_000;
                final long start = System.nanoTime();
                final long[] window = { 0, 0 };
                LatencyHarness.pace(intervalNs, TimeUnit.SECONDS.toNanos(10), (i) ->
                {
                    store.put(keys[i & (keys.length - 1)], value, 0, VALUE_LENGTH, Durability.RECORDED);
                    final long now = System.nanoTime();
                    final long latency = now - (start + i * intervalNs);
                    final long index = (now - start) / TimeUnit.MILLISECONDS.toNanos(100);
                    if (index != window[0])
                    {
                        if (window[1] > TimeUnit.MILLISECONDS.toNanos(10))
                        {
                            log.printf(Locale.ROOT, "    t=%.1f s: worst %.1f ms, checkpoint in progress: %b%n",
                                window[0] / 10.0, window[1] / 1e6, store.isCheckpointInProgress());
                        }
                        window[0] = index;
                        window[1] = 0;
                    }
                    window[1] = Math.max(window[1], latency);
                    if (0 == (i & 1023))
                    {
                        store.poll();
                    }
                }, histogram);
                log.printf(Locale.ROOT, "  RECORDED at 100k puts/s, %s: p50 %.2f / p99 %.2f / p99.99 %.2f / " +
                    "max %.2f us, %d checkpoints%n",
                    checkpointLogBytes > (1L << 40) ? "no checkpoints" : "checkpoint every 64 MiB",
                    histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                    histogram.getValueAtPercentile(99.99) / 1e3, histogram.getMaxValue() / 1e3,
                    store.storeView().checkpointsCommitted() - before);
                store.closeWithoutCheckpoint();
            }
            BenchmarkSupport.delete(dir);
        }
    }

    /**
     * A full table whose two slots both hold its image, so the next checkpoint copies only what changes from now.
     */
    private static StateStore openFilledAndCheckpointed(final File dir, final int entries, final UnsafeBuffer value)
    {
        final StateStore store = open(dir, entries);
        for (long key = 0; key < entries; key++)
        {
            store.put(key, value, 0, VALUE_LENGTH);
        }
        store.checkpointAndAwait();
        store.checkpointAndAwait();
        return store;
    }

    private static StateStore open(final File dir, final int entries)
    {
        return StateStore.open(new StoreContext().dir(dir).keyLength(8).maxValueLength(VALUE_LENGTH)
            .capacity(entries).errorHandler(Throwable::printStackTrace));
    }

    private static DurableStoreContext durableContext(final File dir, final int entries)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(VALUE_LENGTH).capacity(entries))
            .durability(Durability.NONE).checkpointLogBytes(Long.MAX_VALUE / 4)
            .checkpointIntervalNs(TimeUnit.DAYS.toNanos(1)).errorHandler(Throwable::printStackTrace);
    }

    private static String ms(final long nanos)
    {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String mib(final long bytes)
    {
        return String.format(Locale.ROOT, "%.0f", bytes / (1024.0 * 1024.0));
    }
}
