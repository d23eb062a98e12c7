/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The benchmark suite: JMH benchmarks of the store, the durable store, physical baselines (raw mapped memory, raw
 * Aeron IPC, raw archive replay, raw fdatasync) and peers (Chronicle Map, LMDB, an on-heap map), the fixed-rate
 * HdrHistogram {@link dev.tidemark.jmh.LatencyHarness} that corrects for coordinated omission, whole-open and
 * checkpoint measurements ({@code RestartAndCheckpointMeasurements}), and {@code BenchmarkReport}, which runs them all
 * and writes a dated folder under perf-reports/: {@code JmhResults} indexes the JMH results, {@code ReportWriter}
 * writes the README and the plots ({@code SvgPlot}).
 * <p>
 * Threading: each benchmark state is used by JMH's single benchmark thread; the latency harness's writer runs on the
 * calling thread.
 */
package dev.tidemark.jmh;
