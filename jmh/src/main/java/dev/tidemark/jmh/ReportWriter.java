/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.HdrHistogram.Histogram;
import org.openjdk.jmh.results.RunResult;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes what people read in a report folder: README.md (machine, JDK, flags, commit, each target met or not, the
 * tables against the peers, of every JMH result, of fixed-rate latency, restart, replay and checkpoints) and the SVG
 * plots it shows. The raw JMH JSON and the .hgrm files are written by the runs themselves.
 */
final class ReportWriter
{
    private ReportWriter()
    {
    }

    /**
     * The SVG plots the README shows: latency percentiles, time per operation, throughput against the peers, and
     * open time against the length of log to replay.
     */
    static void writePlots(
        final File dir,
        final JmhResults results,
        final Map<String, Histogram> histograms,
        final RestartAndCheckpointMeasurements restart) throws IOException
    {
        Files.writeString(new File(dir, "latency-percentiles.svg").toPath(),
            SvgPlot.percentileCurves("Fixed-rate latency, corrected for coordinated omission", histograms));
        Files.writeString(new File(dir, "operations.svg").toPath(),
            SvgPlot.bars("Mean time per operation (random keys, 1M entries, 64 B values; lower is better)", "ns",
                results.barsFor("64")));
        Files.writeString(new File(dir, "throughput.svg").toPath(),
            SvgPlot.bars("Throughput against peers (one thread, random keys, 1M entries, 64 B values; higher is " +
                "better)", "M ops/s", results.throughputBars("64")));
        final List<Map.Entry<String, Double>> recoveryBars = new ArrayList<>();
        for (final double[] point : restart.replayPoints)
        {
            recoveryBars.add(new AbstractMap.SimpleEntry<>(
                String.format(Locale.ROOT, "%,.0f messages since the snapshot", point[0]), point[1]));
        }
        Files.writeString(new File(dir, "recovery-time.svg").toPath(),
            SvgPlot.bars("Open time against log length to replay (1M entries, 64 B values)", "ms", recoveryBars));
    }

    static void writeReadme(
        final File dir,
        final String mode,
        final String commit,
        final JmhResults results,
        final Map<String, Histogram> histograms,
        final LatencyHarness latency,
        final RestartAndCheckpointMeasurements restart) throws IOException
    {
        try (PrintStream out = new PrintStream(new File(dir, "README.md"), StandardCharsets.UTF_8))
        {
            out.printf("# %s: benchmark suite (%s mode)%n%n", dir.getName().substring(0, 10), mode);
            out.println("| | |");
            out.println("|---|---|");
            out.printf("| command | `jmh/run-benchmarks.sh %s` |%n", mode);
            out.printf("| commit | %s |%n", commit);
            out.printf("| machine | %s, %d CPUs, kernel %s |%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"));
            out.printf("| JDK | %s %s (%s) |%n", System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vendor"));
            out.printf("| JMH forks | `%s` (OnHeapMap: 4 GiB heap, for 10M entries; ChronicleMap: also the JDK " +
                "opens Chronicle needs, see ChronicleMapBenchmark); %s |%n",
                String.join(" ", BenchmarkDefaults.FORK_FLAGS),
                "full".equals(mode) ? "2 forks, 3 x 1 s warm-up, 4 x 2 s measurement per benchmark" :
                "quick".equals(mode) ? "1 fork, 2 x 1 s warm-up, 3 x 1 s measurement per benchmark, 64 B values only" :
                "1 fork, one 200 ms iteration (smoke: checks the pipeline, measures nothing)");
            final StringBuilder files = new StringBuilder();
            for (final String[] file : new String[][]{
                { "jmh-results.json", "" },
                { "jmh-results-1344.json", " (1,344-byte values, 700,000 entries)" },
                { "jmh-results-10m.json", " (10M entries)" },
                { "jmh-results-no-checkpoints.json", " (durable put, checkpoints off)" } })
            {
                if (new File(dir, file[0]).exists())
                {
                    files.append('[').append(file[0]).append("](").append(file[0]).append(')').append(file[1])
                        .append(", ");
                }
            }
            out.println("| raw files | " + files + "`*.hgrm` (microseconds) |");
            out.println();
            out.println("One run on a shared 2-core machine: means of few iterations, noisy; compare ratios within " +
                "this run, not figures across runs. Peers: Chronicle Map " + "persisted to a file, LMDB through " +
                "lmdbjava (MDB_NOSYNC|MDB_WRITEMAP, and synced), Agrona's on-heap Long2ObjectHashMap.");
            out.println();
            writeTargets(out, results, histograms, latency, restart);
            writePeers(out, results);
            writeTable(out, results);
            out.println();
            out.println("## Fixed-rate latency (microseconds, from each operation's intended start)");
            out.println();
            out.println("| run | p50 | p90 | p99 | p99.9 | p99.99 | max | ops |");
            out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            for (final Map.Entry<String, Histogram> entry : histograms.entrySet())
            {
                final Histogram h = entry.getValue();
                out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d |%n", entry.getKey(),
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                    h.getValueAtPercentile(99.99) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount());
            }
            out.printf(Locale.ROOT, "%nSYNCED group commit, 64 puts then a wait for the force, back to back: %.0f " +
                "msgs/s. Pipelined (the writer keeps publishing while at most %d KiB are not yet forced, and the " +
                "archive forces whatever has accumulated): %.0f msgs/s, every message forced before the clock " +
                "stops.%n", latency.groupCommitMessagesPerSecond(), LatencyHarness.PIPELINE_WINDOW_BYTES / 1024,
                latency.pipelinedSyncedMessagesPerSecond());
            out.println();
            writeRestartTables(out, restart);
            out.println("![latency percentiles](latency-percentiles.svg)");
            out.println();
            out.println("![throughput against peers](throughput.svg)");
            out.println();
            out.println("![operations](operations.svg)");
            out.println();
            out.println("![recovery time](recovery-time.svg)");
        }
    }

    private static void writeRestartTables(final PrintStream out, final RestartAndCheckpointMeasurements restart)
    {
        out.println("## Restart, replay and checkpoints");
        out.println();
        out.println("Clean restart of the mapped store (verify every page CRC of the snapshot, rewrite the live " +
            "region):");
        out.println();
        out.println("| entries | region MiB | run | open ms (wall) | open ms (store) |");
        out.println("|---:|---:|---:|---:|---:|");
        for (final String[] row : restart.restarts)
        {
            out.printf("| %s |%n", String.join(" | ", row));
        }
        out.println();
        out.println("Durable store reopened after a close without checkpoint: the whole open (restore, embedded " +
            "driver and archive launch, replay, extend) and the replay alone, against the raw archive replay of " +
            "the same range to a subscription that only counts messages:");
        out.println();
        out.println("| messages since the snapshot | log MiB | replayed | open ms | replay ms | " +
            "M msgs/s, whole open | M msgs/s, replay | M msgs/s, raw archive replay | replay / raw |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final String[] row : restart.replays)
        {
            out.printf("| %s |%n", String.join(" | ", row));
        }
        out.println();
        out.println("Checkpoint (copy, force, commit) after changing keys spread over the table, at two state sizes:");
        out.println();
        out.println("| entries | region pages | keys changed | pages copied | checkpoint ms |");
        out.println("|---:|---:|---:|---:|---:|");
        for (final String[] row : restart.checkpoints)
        {
            out.printf("| %s |%n", String.join(" | ", row));
        }
        out.println();
        if (null != restart.writerWithoutCheckpoints)
        {
            out.printf(Locale.ROOT, "Writer at 200k puts/s (fixed rate, 1M entries): p99 %.2f / p99.99 %.2f us " +
                "without checkpoints; p99 %.2f / p99.99 %.2f us with %d checkpoints during the run.%n%n",
                restart.writerWithoutCheckpoints.getValueAtPercentile(99) / 1e3,
                restart.writerWithoutCheckpoints.getValueAtPercentile(99.99) / 1e3,
                restart.writerWithCheckpoints.getValueAtPercentile(99) / 1e3,
                restart.writerWithCheckpoints.getValueAtPercentile(99.99) / 1e3, restart.checkpointsDuringRun);
        }
    }

    private static void writeTargets(
        final PrintStream out, final JmhResults results, final Map<String, Histogram> histograms,
        final LatencyHarness latency, final RestartAndCheckpointMeasurements restart)
    {
        out.println("## Targets (64-byte values, 1M entries, random keys)");
        out.println();
        out.println("| target | measured | met |");
        out.println("|---|---|---|");
        final double get = results.score(results.normalise("StoreBenchmark.get valueLength=64"));
        final double rawRead = results.score(results.normalise(
            "MappedRegionBaselineBenchmark.randomRead valueLength=64"));
        final double putNone = results.score(results.normalise(
            "DurableStoreBenchmark.put valueLength=64 durability=NONE"));
        final double rawWrite = results.score(results.normalise(
            "MappedRegionBaselineBenchmark.randomWrite valueLength=64"));
        row(out, "get within 1.5x the raw random read of the same memory",
            String.format(Locale.ROOT, "%.1f ns vs %.1f ns: %.2fx", get, rawRead, get / rawRead),
            get / rawRead <= 1.5);
        final double putNoneAlone = results.score(results.normalise(
            "DurableStoreBenchmark.put valueLength=64 durability=NONE checkpointLogMiB=0"));
        row(out, "put with change-stream publish (NONE) within 3x the raw random write",
            String.format(Locale.ROOT, "%.1f ns with checkpoints off vs %.1f ns: %.2fx (%.1f ns, %.2fx, with a " +
            "checkpoint every 64 MiB of log)", putNoneAlone, rawWrite, putNoneAlone / rawWrite, putNone,
            putNone / rawWrite), putNoneAlone / rawWrite <= 3.0);
        final Histogram put1m = histograms.get("durable-put-none-1000000");
        if (null != put1m)
        {
            final double p99 = put1m.getValueAtPercentile(99) / 1e3;
            final double p9999 = put1m.getValueAtPercentile(99.99) / 1e3;
            row(out, "durable put (NONE) at 1M ops/s: p99 under 1 us, p99.99 under 5 us",
                String.format(Locale.ROOT, "p99 %.2f us, p99.99 %.2f us", p99, p9999), p99 < 1 && p9999 < 5);
        }
        final Histogram synced = histograms.get("durable-put-synced-1000");
        final double fsyncP99 = results.percentile(results.normalise(
            "LogBaselineBenchmark.writeAndFdatasync messageLength=72"), 99.0);
        if (null != synced && !Double.isNaN(fsyncP99))
        {
            final double p99 = synced.getValueAtPercentile(99) / 1e3;
            row(out, "SYNCED acknowledgement p99 within 2x the raw fdatasync p99",
                String.format(Locale.ROOT, "%.1f us vs %.1f us: %.2fx", p99, fsyncP99, p99 / fsyncP99),
                p99 / fsyncP99 <= 2.0);
        }
        final double groupRate = latency.groupCommitMessagesPerSecond();
        final double pipelinedRate = latency.pipelinedSyncedMessagesPerSecond();
        row(out, "300k+ SYNCED msgs/s with group commit",
            String.format(Locale.ROOT, "%.0f msgs/s pipelined (at most %d KiB unforced); %.0f msgs/s waiting " +
            "for each group of 64", pipelinedRate, LatencyHarness.PIPELINE_WINDOW_BYTES / 1024, groupRate),
            pipelinedRate >= 300_000);
        final double chronicleGet = results.score(results.normalise("ChronicleMapBenchmark.get valueLength=64"));
        final double chroniclePut = results.score(results.normalise("ChronicleMapBenchmark.put valueLength=64"));
        row(out, "get at least 2x Chronicle Map's throughput",
            String.format(Locale.ROOT, "%.1f ns vs %.1f ns: %.2fx", get, chronicleGet, chronicleGet / get),
            chronicleGet / get >= 2.0);
        row(out, "put with publish (NONE) at least 1.5x Chronicle Map's puts",
            String.format(Locale.ROOT, "%.1f ns vs %.1f ns: %.2fx", putNone, chroniclePut, chroniclePut / putNone),
            chroniclePut / putNone >= 1.5);
        final double maxAlloc = results.maxHotPathAllocation();
        row(out, "0 B/op on every hot path (gc profiler, Tidemark's benchmarks)",
            String.format(Locale.ROOT, "largest %.3f B/op", maxAlloc), maxAlloc < 1.0);
        double largestRestartMs = Double.NaN;
        String largestRegion = "";
        for (final String[] row : restart.restarts)
        {
            largestRestartMs = Double.isNaN(largestRestartMs) ? Double.parseDouble(row[3]) :
                Math.max(largestRestartMs, Double.parseDouble(row[3]));
            largestRegion = row[1];
        }
        row(out, "clean restart of a 1 GiB store under 1 s",
            String.format(Locale.ROOT, "%s MiB region: worst of 3 opens %.1f ms", largestRegion, largestRestartMs),
            largestRestartMs < 1000);
        if (!restart.replays.isEmpty())
        {
            final String[] last = restart.replays.get(restart.replays.size() - 1);
            row(out, "replay at 5M+ msgs/s and at least 80% of the raw archive replay", last[6] + "M msgs/s " +
                "(" + last[2] + " messages; " + last[5] + "M msgs/s over the whole open) vs raw " + last[7] +
                "M msgs/s: " + last[8], Double.parseDouble(last[6]) >= 5.0 &&
                Double.parseDouble(last[6]) >= 0.8 * Double.parseDouble(last[7]));
        }
        if (null != restart.writerWithoutCheckpoints)
        {
            final double without = restart.writerWithoutCheckpoints.getValueAtPercentile(99.99);
            final double with = restart.writerWithCheckpoints.getValueAtPercentile(99.99);
            row(out, "writer p99.99 during checkpoints within 2x of without",
                String.format(Locale.ROOT, "%.2f us vs %.2f us: %.2fx", with / 1e3, without / 1e3, with / without),
                with / without <= 2.0);
        }
        out.println();
    }

    private static void row(final PrintStream out, final String target, final String measured, final boolean met)
    {
        out.printf("| %s | %s | %s |%n", target, measured, met ? "yes" : "**no**");
    }

    private static void writePeers(final PrintStream out, final JmhResults results)
    {
        out.println("## Against the peers (mean ns per operation; ratio = peer time / Tidemark time, above 1 is " +
            "Tidemark faster)");
        out.println();
        out.println("1M entries, random keys; 1,344-byte values at 700,000 entries; 64@10M: 64-byte values at " +
            "10M entries. Tidemark's put with publish is the durable store at NONE (applied and on the change " +
            "stream, checkpoints running); Chronicle Map and LMDB without sync log nothing.");
        out.println();
        out.println("| value B | get | Chronicle get | LMDB get | on-heap get | Chronicle / get | LMDB / get | " +
            "put + publish | store put | Chronicle put | LMDB put | on-heap put | Chronicle / put + publish |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (final String length : new String[]{ "32", "64", "288", "1344", "64@10M" })
        {
            final double get = results.timeOf("StoreBenchmark.get", length);
            if (Double.isNaN(get))
            {
                continue; // not in this mode
            }
            final double cGet = results.timeOf("ChronicleMapBenchmark.get", length);
            final double lGet = results.timeOf("LmdbBenchmark.get", length);
            final double hGet = results.timeOf("OnHeapMapBenchmark.get", length);
            final double put = results.timeOf("DurableStoreBenchmark.put durability=NONE", length);
            final double sPut = results.timeOf("StoreBenchmark.put", length);
            final double cPut = results.timeOf("ChronicleMapBenchmark.put", length);
            final double lPut = results.timeOf("LmdbBenchmark.put", length);
            final double hPut = results.timeOf("OnHeapMapBenchmark.put", length);
            out.printf(Locale.ROOT,
                "| %s | %.1f | %.1f | %.1f | %.1f | %.2fx | %.2fx | %.1f | %.1f | %.1f | %.1f | %.1f | %.2fx |%n",
                length, get, cGet, lGet, hGet, cGet / get, lGet / get, put, sPut, cPut, lPut, hPut, cPut / put);
        }
        final double synced = results.score(results.normalise("LmdbSyncedBenchmark.put valueLength=64"));
        if (!Double.isNaN(synced))
        {
            out.printf(Locale.ROOT, "%nLMDB synced put (one transaction forced per put, 64 B): %.1f us mean.%n",
                synced / 1e3);
        }
        out.println();
    }

    private static void writeTable(final PrintStream out, final JmhResults results)
    {
        out.println("## JMH results");
        out.println();
        out.println("| benchmark | params | score | unit | ops/s | alloc B/op |");
        out.println("|---|---|---:|---|---:|---:|");
        for (final Map.Entry<String, RunResult> entry : results.entries())
        {
            final RunResult result = entry.getValue();
            final String key = entry.getKey();
            final int space = key.indexOf(' ');
            final String name = space < 0 ? key : key.substring(0, space);
            final String params = space < 0 ? "" : key.substring(space + 1);
            final double score = result.getPrimaryResult().getScore();
            final String unit = result.getPrimaryResult().getScoreUnit();
            final double opsPerSecond = "ns/op".equals(unit) ? 1e9 / score : Double.NaN;
            out.printf(Locale.ROOT, "| %s | %s | %.2f | %s | %s | %.3f |%n", name, params, score, unit,
                Double.isNaN(opsPerSecond) ? "-" : String.format(Locale.ROOT, "%.0f", opsPerSecond),
                results.allocation(result));
        }
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(new File("/proc/cpuinfo").toPath()))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        catch (final IOException ignore)
        {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
