/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.archive.Acknowledgements;
import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.archive.DurableStoreContext;
import dev.tidemark.store.StoreContext;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A durable store's acknowledgement latency at a fixed rate, second by second, with the checkpoints marked: what a
 * user meets when the store runs for a minute at a steady load with its default checkpoints. Latency is measured
 * from each write's intended start (coordinated omission corrected), so a writer that falls behind shows it.
 * <pre>
 * AckTrace --out DIR --label NAME [--level NONE|RECORDED|SYNCED] [--rate 100000] [--seconds 60]
 *          [--entries 1000000] [--value 64] [--checkpoints default|off] [--acks sync|async]
 * </pre>
 * With {@code --acks sync} (the default) each put waits for its level; with {@code --acks async} each is written at
 * NONE and tracked by {@link Acknowledgements}, the writer polling them between writes, and a write's latency runs
 * from its intended start to its acknowledgement's delivery.
 * Writes NAME.hgrm (the whole run), NAME-seconds.csv (per second: writes, p50, p99, p99.99, max, process CPU, and
 * whether a checkpoint ran in it), NAME-checkpoints.csv (each checkpoint's start and end, seconds into the run),
 * NAME-threads.txt (CPU time per thread) and NAME.svg (the per-second plot with the checkpoints shaded), and prints a
 * summary. The store lives under {@code -Dtidemark.bench.dir} (default: the temporary directory).
 */
public final class AckTrace
{
    private static final int MAX_SECONDS = 3600;
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private static int burnMs;

    private AckTrace()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        File out = null;
        String label = null;
        Durability level = Durability.RECORDED;
        int rate = 100_000;
        int seconds = 60;
        int entries = 1_000_000;
        int valueLength = 64;
        boolean checkpoints = true;
        boolean async = false;
        burnMs = 0;
        for (int i = 0; i < args.length; i += 2)
        {
            final String value = args[i + 1];
            switch (args[i])
            {
                case "--out" -> out = new File(value);
                case "--label" -> label = value;
                case "--level" -> level = Durability.valueOf(value.toUpperCase(Locale.ROOT));
                case "--rate" -> rate = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--entries" -> entries = Integer.parseInt(value);
                case "--value" -> valueLength = Integer.parseInt(value);
                case "--checkpoints" -> checkpoints = !"off".equals(value);
                case "--burn-ms" -> burnMs = Integer.parseInt(value);
                case "--acks" -> async = "async".equals(value);
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        if (null == out || null == label || seconds > MAX_SECONDS)
        {
            throw new IllegalArgumentException("usage: AckTrace --out DIR --label NAME [--level L] [--rate R] " +
                "[--seconds S <= " + MAX_SECONDS + "] [--entries N] [--value B] [--checkpoints default|off]");
        }
        Files.createDirectories(out.toPath());
        if (0 == rate)
        {
            acknowledgedThroughput(level, seconds, entries, valueLength);
            return;
        }
        run(out, label, level, rate, seconds, entries, valueLength, checkpoints, async);
    }

    private static void run(
        final File out,
        final String label,
        final Durability level,
        final int rate,
        final int seconds,
        final int entries,
        final int valueLength,
        final boolean checkpoints,
        final boolean async) throws Exception
    {
        final File dir = BenchmarkSupport.newDirectory("ack-trace");
        final long[] keys = BenchmarkSupport.randomKeys(entries, 11);
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        final DurableStoreContext context = new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(valueLength).capacity(entries))
            .durability(level)
            .errorHandler(Throwable::printStackTrace);
        if (!checkpoints)
        {
            context.checkpointLogBytes(Long.MAX_VALUE / 4).checkpointIntervalNs(TimeUnit.DAYS.toNanos(1));
        }
        final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        final long[] count = new long[seconds];
        final long[] p50 = new long[seconds];
        final long[] p99 = new long[seconds];
        final long[] p9999 = new long[seconds];
        final long[] max = new long[seconds];
        final double[] cpu = new double[seconds];
        final boolean[] checkpointed = new boolean[seconds];
        final List<double[]> marks = new ArrayList<>();
        final Histogram whole = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        final Histogram second = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        final long checkpointsBefore;
        final long checkpointsAfter;
        final long lagAtEndNs;
        try (DurableStore store = DurableStore.open(context))
        {
            for (long key = 0; key < entries; key++)
            {
                store.put(key, value, 0, valueLength, Durability.NONE);
            }
            store.checkpointAndAwait();
            store.checkpointAndAwait();
            checkpointsBefore = store.storeView().checkpointsCommitted();
            if (burnMs > 0)
            {
                // An experiment: a thread that takes a core for burnMs every 4 s, as a checkpoint would.
                final Thread burner = new Thread(() ->
                {
                    long sink = 0;
                    while (true)
                    {
                        final long end = System.nanoTime() + burnMs * 1_000_000L;
                        while (System.nanoTime() < end)
                        {
                            sink += sink * 31 + 7;
                        }
                        try
                        {
                            Thread.sleep(4000 - Math.min(3999, burnMs));
                        }
                        catch (final InterruptedException ex)
                        {
                            System.out.println(sink);
                            return;
                        }
                    }
                }, "burner");
                burner.setDaemon(true);
                burner.start();
            }
            final long intervalNs = SECOND_NS / rate;
            final long operations = (long)seconds * rate;
            final int mask = keys.length - 1;
            final long start = System.nanoTime();
            final long[] lastDelivered = { 0 };
            final Acknowledgements acks = !async ? null : new Acknowledgements(store, (id, position) ->
            {
                final long latency = Math.min(whole.getHighestTrackableValue(),
                    System.nanoTime() - (start + id * intervalNs));
                whole.recordValue(latency);
                second.recordValue(latency);
                lastDelivered[0] = latency;
            }, 1 << 16, 1 << 20);
            long cpuAtSecond = os.getProcessCpuTime();
            long checkpointStartNs = store.isCheckpointInProgress() ? start : -1;
            int currentSecond = 0;
            long lastLatency = 0;
            for (long i = 0; i < operations; i++)
            {
                final long intended = start + i * intervalNs;
                long now;
                while ((now = System.nanoTime()) < intended)
                {
                    if (null != acks)
                    {
                        acks.poll();
                    }
                    else
                    {
                        Thread.onSpinWait();
                    }
                }
                final int s = (int)((now - start) / SECOND_NS);
                if (s != currentSecond && s < seconds)
                {
                    final long cpuNow = os.getProcessCpuTime();
                    closeSecond(second, currentSecond, count, p50, p99, p9999, max);
                    cpu[currentSecond] = (cpuNow - cpuAtSecond) / (double)SECOND_NS * 100.0 / (s - currentSecond);
                    cpuAtSecond = cpuNow;
                    currentSecond = s;
                }
                if (null != acks)
                {
                    acks.track(i, store.put(keys[(int)(i & mask)], value, 0, valueLength, Durability.NONE));
                }
                else
                {
                    store.put(keys[(int)(i & mask)], value, 0, valueLength, level);
                }
                final long done = System.nanoTime();
                if (null == acks)
                {
                    lastLatency = Math.min(whole.getHighestTrackableValue(), done - intended);
                    whole.recordValue(lastLatency);
                    second.recordValue(lastLatency);
                }
                if (0 == (i & 255))
                {
                    store.poll();
                    final boolean inProgress = store.isCheckpointInProgress();
                    if (inProgress && checkpointStartNs < 0)
                    {
                        checkpointStartNs = done;
                    }
                    else if (!inProgress && checkpointStartNs >= 0)
                    {
                        marks.add(new double[]{ (checkpointStartNs - start) / 1e9, (done - start) / 1e9 });
                        checkpointStartNs = -1;
                    }
                    if (inProgress)
                    {
                        checkpointed[Math.min(seconds - 1, (int)((done - start) / SECOND_NS))] = true;
                    }
                }
            }
            if (null != acks)
            {
                acks.drain(TimeUnit.SECONDS.toNanos(60));
                lastLatency = lastDelivered[0];
            }
            closeSecond(second, Math.min(seconds - 1, currentSecond), count, p50, p99, p9999, max);
            cpu[Math.min(seconds - 1, currentSecond)] =
                (os.getProcessCpuTime() - cpuAtSecond) / (double)SECOND_NS * 100.0;
            if (checkpointStartNs >= 0)
            {
                marks.add(new double[]{ (checkpointStartNs - start) / 1e9, (System.nanoTime() - start) / 1e9 });
            }
            lagAtEndNs = lastLatency;
            checkpointsAfter = store.storeView().checkpointsCommitted();
            writeThreads(new File(out, label + "-threads.txt"));
            store.closeWithoutCheckpoint();
        }
        finally
        {
            BenchmarkSupport.delete(dir);
        }

        try (PrintStream hgrm = new PrintStream(new File(out, label + ".hgrm"), StandardCharsets.UTF_8))
        {
            whole.outputPercentileDistribution(hgrm, 1000.0);
        }
        try (PrintStream csv = new PrintStream(new File(out, label + "-seconds.csv"), StandardCharsets.UTF_8))
        {
            csv.println("second,writes,p50_us,p99_us,p9999_us,max_us,process_cpu_percent,checkpoint_running");
            for (int s = 0; s < seconds; s++)
            {
                csv.printf(Locale.ROOT, "%d,%d,%.2f,%.2f,%.2f,%.2f,%.1f,%b%n", s, count[s], p50[s] / 1e3,
                    p99[s] / 1e3, p9999[s] / 1e3, max[s] / 1e3, cpu[s], checkpointed[s]);
            }
        }
        try (PrintStream csv = new PrintStream(new File(out, label + "-checkpoints.csv"), StandardCharsets.UTF_8))
        {
            csv.println("start_s,end_s,duration_ms");
            for (final double[] mark : marks)
            {
                csv.printf(Locale.ROOT, "%.3f,%.3f,%.1f%n", mark[0], mark[1], (mark[1] - mark[0]) * 1e3);
            }
        }
        final String title = String.format(Locale.ROOT, "%s: %s puts at %,d/s, %d B values, %,d keys, %s%s",
            label, level, rate, valueLength, entries, checkpoints ? "default checkpoints" : "checkpoints off",
            async ? ", acknowledged asynchronously" : "");
        Files.writeString(new File(out, label + ".svg").toPath(),
            TracePlot.perSecond(title, p50, p99, max, marks), StandardCharsets.UTF_8);
        double cpuMean = 0;
        for (final double c : cpu)
        {
            cpuMean += c / seconds;
        }
        System.out.printf(Locale.ROOT, "%s: %s%s at %,d/s for %d s, %d B, %,d keys, %s: p50 %.2f / p99 %.2f / " +
            "p99.9 %.2f / p99.99 %.2f / max %.2f us; %d checkpoints committed; last write %.2f us behind its " +
            "intended start; process CPU %.0f%% of one core on average%n",
            label, level, async ? " (async acks)" : "", rate, seconds, valueLength, entries,
            checkpoints ? "default checkpoints" : "checkpoints off", whole.getValueAtPercentile(50) / 1e3,
            whole.getValueAtPercentile(99) / 1e3,
            whole.getValueAtPercentile(99.9) / 1e3, whole.getValueAtPercentile(99.99) / 1e3,
            whole.getMaxValue() / 1e3, checkpointsAfter - checkpointsBefore, lagAtEndNs / 1e3, cpuMean);
    }

    /**
     * With --rate 0: as many writes as the store takes, each acknowledged one by one through {@link Acknowledgements}
     * once durable at the level's archive sync level (SYNCED: recorded and forced); prints acknowledged writes/s.
     */
    private static void acknowledgedThroughput(
        final Durability level, final int seconds, final int entries, final int valueLength) throws Exception
    {
        final File dir = BenchmarkSupport.newDirectory("ack-throughput");
        final long[] keys = BenchmarkSupport.randomKeys(entries, 13);
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        final long[] acknowledged = { 0 };
        try (DurableStore store = DurableStore.open(new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(valueLength).capacity(entries))
            .durability(level).errorHandler(Throwable::printStackTrace)))
        {
            final Acknowledgements acks = new Acknowledgements(store, (id, position) -> acknowledged[0]++,
                1 << 16, 1 << 20);
            for (int warm = 0; warm < 2; warm++)
            {
                final long start = System.nanoTime();
                final long end = start + TimeUnit.SECONDS.toNanos(seconds);
                final long before = acknowledged[0];
                int i = 0;
                while (System.nanoTime() < end)
                {
                    acks.track(i, store.put(keys[i & (keys.length - 1)], value, 0, valueLength, Durability.NONE));
                    i++;
                    if (0 == (i & 63))
                    {
                        acks.poll();
                        store.poll();
                    }
                }
                while (acks.pending() > 0)
                {
                    acks.poll();
                }
                final double elapsed = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "%s: %,.0f writes/s acknowledged one by one (%s, %d s, every one " +
                    "durable before the clock stopped)%n", 0 == warm ? "warm-up" : "measured",
                    (acknowledged[0] - before) / elapsed, level, seconds);
            }
            store.closeWithoutCheckpoint();
        }
        finally
        {
            BenchmarkSupport.delete(dir);
        }
    }

    private static void closeSecond(
        final Histogram second,
        final int s,
        final long[] count,
        final long[] p50,
        final long[] p99,
        final long[] p9999,
        final long[] max)
    {
        count[s] += second.getTotalCount();
        p50[s] = second.getValueAtPercentile(50);
        p99[s] = second.getValueAtPercentile(99);
        p9999[s] = second.getValueAtPercentile(99.99);
        max[s] = second.getMaxValue();
        second.reset();
    }

    private static void writeThreads(final File file) throws Exception
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (PrintStream out = new PrintStream(file, StandardCharsets.UTF_8))
        {
            out.println("thread,cpu_ms,user_ms");
            for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
            {
                if (null != info)
                {
                    out.printf(Locale.ROOT, "%s,%d,%d%n", info.getThreadName(),
                        threads.getThreadCpuTime(info.getThreadId()) / 1_000_000,
                        threads.getThreadUserTime(info.getThreadId()) / 1_000_000);
                }
            }
        }
    }
}
