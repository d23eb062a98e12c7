/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.harness.CrashHarness.Result;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table the crash harness prints at the end of a run: one row per result, then each result's kills, batch
 * shapes, notes and failures with their repro command, then the count of results passed, failed and skipped. People
 * read these lines in the reports under perf-reports/: their format is kept as it is.
 */
final class CrashReport
{
    private CrashReport()
    {
    }

    static void printTable(final List<Result> results, final PrintStream out)
    {
        out.println();
        out.printf("%-18s %7s %6s %11s %5s %6s %6s %16s %24s %14s %6s %7s  %s%n",
            "scenario", "cycles", "childs", "acked ops", "lost", "holes", "invar", "undecided in/out",
            "recovery ms p50/p99/max", "replayed p50/p99", "fallbk", "refused", "status");
        for (final Result r : results)
        {
            out.printf("%-18s %7d %6d %11d %5d %6d %6d %16s %24s %14s %6d %7d  %s%n",
                r.name, r.cycles, r.childRuns, r.acknowledged, r.lost, r.holes, r.invariants,
                r.landed + "/" + r.notLanded,
                String.format("%.0f/%.0f/%.0f", percentile(r.recoveryMs, 50), percentile(r.recoveryMs, 99),
                    percentile(r.recoveryMs, 100)),
                String.format("%.0f/%.0f", percentile(r.replayed, 50), percentile(r.replayed, 99)),
                r.fallbacks, r.refusals, r.status());
        }
        for (final Result r : results)
        {
            if (r.checkpointKills + r.recoveryKills > 0 || !r.pointsReached.isEmpty())
            {
                out.printf("%s: kills inside checkpoints %d, inside recovery %d%s%n", r.name, r.checkpointKills,
                    r.recoveryKills, r.pointsReached.isEmpty() ? "" : ", kill points reached " + r.pointsReached);
            }
            if (r.largestBatchLength > 0)
            {
                out.printf("%s: batches over one MTU %d, largest message %d bytes, largest batch %d operations, " +
                    "values of the maximum length %d%n", r.name, r.batchesOverMtu, r.largestBatchLength,
                    r.largestBatchOperations, r.valuesAtMax);
            }
            for (final String note : r.notes)
            {
                out.printf("%s: %s%n", r.name, note);
            }
            for (final String failure : r.failures)
            {
                out.printf("%s: FAILURE %s%n  repro: %s%n", r.name, failure, r.repro);
            }
        }
        final Map<String, Integer> summary = new LinkedHashMap<>();
        for (final Result r : results)
        {
            summary.merge(r.status().startsWith("SKIPPED") ? "skipped" : r.passed() ? "passed" : "failed", 1,
                Integer::sum);
        }
        out.printf("%nscenarios: %s%n", summary);
    }

    /**
     * The nearest-rank percentile, NaN of nothing.
     */
    static double percentile(final List<Double> values, final double percentile)
    {
        if (values.isEmpty())
        {
            return Double.NaN;
        }
        final List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        final int index = (int)Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
