/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JMH results of one suite run, indexed by benchmark method and parameters (parameters at their defaults left
 * out of the key), and the figures the report takes from them: scores, percentiles, allocation per operation, bars.
 */
final class JmhResults
{
    private final Map<String, RunResult> byKey = new LinkedHashMap<>();

    JmhResults(final Collection<RunResult> results)
    {
        for (final RunResult result : results)
        {
            byKey.put(key(result), result);
        }
    }

    /**
     * Every result by its key, in the order the runs produced them.
     */
    Set<Map.Entry<String, RunResult>> entries()
    {
        return Collections.unmodifiableMap(byKey).entrySet();
    }

    private static String key(final RunResult result)
    {
        final String benchmark = result.getParams().getBenchmark();
        final int classStart = benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1;
        final String shortName = benchmark.substring(classStart);
        final StringBuilder key = new StringBuilder(shortName);
        for (final String param : result.getParams().getParamsKeys())
        {
            final String value = result.getParams().getParam(param);
            if (!("entries".equals(param) && "1000000".equals(value)) &&
                !("checkpointLogMiB".equals(param) && "64".equals(value)))
            {
                key.append(' ').append(param).append('=').append(result.getParams().getParam(param));
            }
        }
        return key.toString();
    }

    double score(final String key)
    {
        final RunResult result = byKey.get(key);
        return null == result ? Double.NaN : result.getPrimaryResult().getScore();
    }

    double percentile(final String key, final double percentile)
    {
        final RunResult result = byKey.get(key);
        return null == result ? Double.NaN : result.getPrimaryResult().getStatistics().getPercentile(percentile);
    }

    double allocation(final RunResult result)
    {
        final Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
        return null == alloc ? Double.NaN : alloc.getScore();
    }

    List<Map.Entry<String, Double>> barsFor(final String valueLength)
    {
        final String[][] rows = {
            { "MappedRegionBaselineBenchmark.randomRead", "raw mapped read (baseline)" },
            { "OnHeapMapBenchmark.get", "on-heap map get (ceiling)" },
            { "StoreBenchmark.get", "store get" },
            { "StoreBenchmark.view", "store view (zero-copy)" },
            { "MappedRegionBaselineBenchmark.randomWrite", "raw mapped write (baseline)" },
            { "OnHeapMapBenchmark.put", "on-heap map put (ceiling)" },
            { "StoreBenchmark.put", "store put" },
            { "DurableStoreBenchmark.put durability=NONE", "durable put, NONE" },
            { "DurableStoreBenchmark.put durability=RECORDED", "durable put, RECORDED" } };
        final List<Map.Entry<String, Double>> bars = new ArrayList<>();
        for (final String[] row : rows)
        {
            final String key = row[0].contains(" ") ? row[0].replace(" ", " valueLength=" + valueLength + " ")
                : row[0] + " valueLength=" + valueLength;
            final double score = score(normalise(key));
            if (!Double.isNaN(score))
            {
                bars.add(new AbstractMap.SimpleEntry<>(row[1], score));
            }
        }
        return bars;
    }

    List<Map.Entry<String, Double>> throughputBars(final String valueLength)
    {
        final String[][] rows = {
            { "StoreBenchmark.get", "get: Tidemark" },
            { "ChronicleMapBenchmark.get", "get: Chronicle Map" },
            { "LmdbBenchmark.get", "get: LMDB" },
            { "OnHeapMapBenchmark.get", "get: on-heap map" },
            { "StoreBenchmark.put", "put: Tidemark store" },
            { "DurableStoreBenchmark.put durability=NONE", "put: Tidemark + log, NONE" },
            { "DurableStoreBenchmark.put durability=RECORDED", "put: Tidemark + log, RECORDED" },
            { "ChronicleMapBenchmark.put", "put: Chronicle Map" },
            { "LmdbBenchmark.put", "put: LMDB no sync" },
            { "LmdbSyncedBenchmark.put", "put: LMDB synced" },
            { "OnHeapMapBenchmark.put", "put: on-heap map" } };
        final List<Map.Entry<String, Double>> bars = new ArrayList<>();
        for (final String[] row : rows)
        {
            final double score = score(normalise(withValueLength(row[0], valueLength)));
            if (!Double.isNaN(score))
            {
                bars.add(new AbstractMap.SimpleEntry<>(row[1], 1e3 / score));
            }
        }
        return bars;
    }

    private static String withValueLength(final String name, final String valueLength)
    {
        return name.contains(" ") ? name.replace(" ", " valueLength=" + valueLength + " ") :
            name + " valueLength=" + valueLength;
    }

    double timeOf(final String name, final String valueLength)
    {
        final String withLength = withValueLength(name, valueLength);
        final String key = "1344".equals(valueLength) ? withLength + " entries=" + BenchmarkReport.LARGE_VALUE_ENTRIES :
            "64@10M".equals(valueLength) ? withValueLength(name, "64") + " entries=10000000" : withLength;
        return score(normalise(key));
    }

    double maxHotPathAllocation()
    {
        double max = 0;
        for (final Map.Entry<String, RunResult> entry : byKey.entrySet())
        {
            if (entry.getKey().startsWith("StoreBenchmark.") || entry.getKey().startsWith("DurableStoreBenchmark."))
            {
                final double alloc = allocation(entry.getValue());
                max = Double.isNaN(alloc) ? max : Math.max(max, alloc);
            }
        }
        return max;
    }

    String normalise(final String key)
    {
        for (final String existing : byKey.keySet())
        {
            if (sameParams(existing, key))
            {
                return existing;
            }
        }
        return key;
    }

    private static boolean sameParams(final String a, final String b)
    {
        final List<String> left = new ArrayList<>(List.of(a.split(" ")));
        final List<String> right = new ArrayList<>(List.of(b.split(" ")));
        return left.size() == right.size() && left.containsAll(right);
    }
}
