/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.HdrHistogram.Histogram;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.File;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;

/**
 * Runs the benchmark suite and writes a dated report folder under perf-reports/: the raw JMH JSON (with the gc
 * profiler's allocation per operation), the fixed-rate .hgrm files, SVG plots, and a README with the machine, JDK,
 * flags, commit, the tables (ratios to the baselines and peers first) and each target met or not.
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.tidemark.jmh.BenchmarkReport (quick | full | smoke) perf-reports [commit]
 * </pre>
 * quick: 64-byte values only, get/put/view and the baselines and peers, 2 x 1 s warm-up, 3 x 1 s measurement, one
 * fork, 3 s fixed-rate runs (about 4 minutes on 2 cores).
 * full: 3 x 1 s warm-up, 4 x 2 s measurement, 2 forks, 10 s fixed-rate runs, more restart and replay sizes (about an
 * hour on 2 cores).
 * smoke: one 200 ms iteration per benchmark, 1 s fixed-rate runs: checks that every benchmark and the report run,
 * measures nothing worth keeping (write it outside perf-reports/).
 * In full (and smoke) mode, values of 1,344 bytes run in a second pass at 700,000 entries (a million of them exceed
 * the store's 2 GiB region),
 * the baselines and peers with them; get and put run again at 10M entries of 64 bytes.
 * <p>
 * This class runs the suite and collects the results; {@link JmhResults} indexes the JMH results and
 * {@link ReportWriter} writes the README and the plots.
 */
public final class BenchmarkReport
{
    /**
     * What runs again with 1,344-byte values: the hot paths, their baselines and the peers.
     */
    static final String LARGE_VALUE_BENCHMARKS = "dev\\.tidemark\\.jmh\\.(StoreBenchmark\\.(get|put)|" +
        "DurableStoreBenchmark\\.put|MappedRegionBaselineBenchmark\\..*|(OnHeapMap|ChronicleMap|Lmdb)Benchmark\\." +
        "(get|put))$";

    /**
     * What quick mode runs (at 64-byte values): the operations the targets are stated for, baselines and peers.
     */
    static final String QUICK_BENCHMARKS = "dev\\.tidemark\\.jmh\\.(StoreBenchmark\\.(get|put|view)|" +
        "DurableStoreBenchmark\\.put|MappedRegionBaselineBenchmark\\..*|LogBaselineBenchmark\\..*|" +
        "(OnHeapMap|ChronicleMap|Lmdb|LmdbSynced)Benchmark\\.(get|put))$";

    /**
     * What runs again at 10M entries (64-byte values): get and put, their baselines and the peers.
     */
    static final String TEN_MILLION_BENCHMARKS = "dev\\.tidemark\\.jmh\\.(StoreBenchmark\\.(get|put)|" +
        "DurableStoreBenchmark\\.put|MappedRegionBaselineBenchmark\\..*|(OnHeapMap|ChronicleMap|Lmdb)Benchmark\\." +
        "(get|put))$";

    /**
     * Entries for 1,344-byte values: the most whose table fits the 2 GiB region (2^20 buckets at load 0.7).
     */
    static final int LARGE_VALUE_ENTRIES = 700_000;

    private BenchmarkReport()
    {
    }

    private static ChainedOptionsBuilder options(final String mode, final File dir, final String resultFile)
    {
        final boolean full = "full".equals(mode);
        final boolean smoke = "smoke".equals(mode);
        return new OptionsBuilder()
            .warmupIterations(smoke ? 0 : full ? 3 : 2)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(smoke ? 1 : full ? 4 : 3)
            .measurementTime(smoke ? TimeValue.milliseconds(200) : TimeValue.seconds(full ? 2 : 1))
            .forks(full ? 2 : 1)
            .addProfiler(GCProfiler.class)
            .resultFormat(ResultFormatType.JSON)
            .result(new File(dir, resultFile).getPath());
    }

    /**
     * @param args mode, reports root, optional commit id.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final String mode = args.length > 0 ? args[0] : "quick";
        final File root = new File(args.length > 1 ? args[1] : "perf-reports");
        final String commit = args.length > 2 ? args[2] : "unknown";
        if (!"quick".equals(mode) && !"full".equals(mode) && !"smoke".equals(mode))
        {
            throw new IllegalArgumentException("mode must be quick, full or smoke: " + mode);
        }
        final boolean full = "full".equals(mode);
        File dir = new File(root, LocalDate.now() + "-benchmarks-" + mode);
        for (int n = 2; dir.exists(); n++)
        {
            dir = new File(root, LocalDate.now() + "-benchmarks-" + mode + "-" + n);
        }
        if (!dir.mkdirs())
        {
            throw new IOException("cannot create " + dir);
        }

        final boolean quick = "quick".equals(mode);
        final ChainedOptionsBuilder main = options(mode, dir, "jmh-results.json");
        if (quick)
        {
            // A few minutes: 64-byte values only, and the operations the targets are stated for.
            main.include(QUICK_BENCHMARKS).param("valueLength", "64");
        }
        else
        {
            main.include("dev\\.tidemark\\.jmh\\..*Benchmark");
        }
        final Collection<RunResult> results = new ArrayList<>(new Runner(main.build()).run());
        if (!quick)
        {
            results.addAll(new Runner(options(mode, dir, "jmh-results-1344.json")
                .include(LARGE_VALUE_BENCHMARKS)
                .param("valueLength", "1344")
                .param("entries", Integer.toString(LARGE_VALUE_ENTRIES))
                .param("durability", "NONE")
                .build()).run());
            results.addAll(new Runner(options(mode, dir, "jmh-results-10m.json")
                .include(TEN_MILLION_BENCHMARKS)
                .param("valueLength", "64")
                .param("entries", "10000000")
                .param("durability", "NONE")
                .build()).run());
        }
        results.addAll(new Runner(options(mode, dir, "jmh-results-no-checkpoints.json")
            .include("dev\\.tidemark\\.jmh\\.DurableStoreBenchmark\\.put$")
            .param("valueLength", "64")
            .param("checkpointLogMiB", "0")
            .build()).run());

        final LatencyHarness latency = new LatencyHarness(dir, full ? 10 : "smoke".equals(mode) ? 1 : 3, System.out);
        final Map<String, Histogram> histograms = latency.runAll();

        final RestartAndCheckpointMeasurements restart = new RestartAndCheckpointMeasurements(full, System.out);
        restart.runAll();

        final JmhResults indexed = new JmhResults(results);
        ReportWriter.writePlots(dir, indexed, histograms, restart);
        ReportWriter.writeReadme(dir, mode, commit, indexed, histograms, latency, restart);
        System.out.println("report written to " + dir);
    }
}
