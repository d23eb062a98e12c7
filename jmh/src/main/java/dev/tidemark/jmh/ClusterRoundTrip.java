/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.cluster.ClusterRequestDescriptor;
import dev.tidemark.cluster.ClusterClientContext;
import dev.tidemark.cluster.ClusteredStoreClient;
import dev.tidemark.cluster.ClusteredStoreListener;
import dev.tidemark.cluster.LocalCluster;
import dev.tidemark.store.StoreBatch;
import io.aeron.cluster.ClusterTool;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Round trip through a three-member Tidemark cluster on this machine: a client puts 64-byte values to random keys at
 * a fixed rate and each put's latency runs from its intended send time (start + i / rate: corrected for coordinated
 * omission) to its APPLIED answer (committed by a quorum, applied by the leader). Then the snapshot's cost against
 * the state's size: the store is filled with batches to each size, a snapshot is taken with ClusterTool, and each
 * member's service reports how long it spent writing its state (Aeron Cluster stops the log while it does).
 * <p>
 * Three members and the client share this machine's cores: on 2 cores this measures contention between 13 busy
 * threads, not the network or the store.
 * <p>
 * Usage: {@code ClusterRoundTrip OUTDIR [--seconds N] [--rates r,r] [--sizes n,n]}; one .hgrm per rate
 * (microseconds), snapshot lines and a summary on stdout. Defaults: 20 s per rate after 5 s of warm-up at it, rates
 * 1000,10000,50000, sizes 100000,1000000.
 */
public final class ClusterRoundTrip implements ClusteredStoreListener
{
    private static final int VALUE_LENGTH = 64;
    private static final Pattern SNAPSHOT_LINE = Pattern.compile(
        "tidemark: member (\\d) snapshot entries=(\\d+) pages=(\\d+) bytes=(\\d+) .* took_us=(\\d+)");

    private final long[] intendedNs = new long[ClusterRequestDescriptor.OUTCOME_WINDOW];
    private Histogram histogram;
    private long answered;

    private ClusterRoundTrip()
    {
    }

    /**
     * @param args OUTDIR [--seconds N] [--rates r,r] [--sizes n,n].
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final File out = new File(args[0]);
        int seconds = 20;
        String rates = "1000,10000,50000";
        String sizes = "100000,1000000";
        for (int i = 1; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--seconds": seconds = Integer.parseInt(args[++i]); break;
                case "--rates": rates = args[++i]; break;
                case "--sizes": sizes = args[++i]; break;
                default: throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (!out.isDirectory() && !out.mkdirs())
        {
            throw new IllegalStateException("cannot make " + out);
        }
        final ClusterRoundTrip bench = new ClusterRoundTrip();
        final File dir = Files.createTempDirectory("tidemark-cluster-bench").toFile();
        try
        {
            try (LocalCluster cluster = new LocalCluster(new File(dir, "rates"), VALUE_LENGTH, 1_000_000);
                ClusteredStoreClient client = bench.start(cluster))
            {
                for (final String rate : rates.split(","))
                {
                    bench.run(client, Integer.parseInt(rate), 5, null);
                    final Histogram result = bench.run(client, Integer.parseInt(rate), seconds, out);
                    try (PrintStream hgrm = new PrintStream(new File(out, "round-trip-" + rate + ".hgrm"), "US-ASCII"))
                    {
                        result.outputPercentileDistribution(hgrm, 1000.0);
                    }
                }
            }
            bench.histogram = null; // the fills' answers are not round trips at a rate
            for (final String size : sizes.split(","))
            {
                // A table sized for the entries (capacity = entries): a snapshot streams its pages, whatever they hold.
                final int entries = Integer.parseInt(size);
                try (LocalCluster cluster = new LocalCluster(new File(dir, "size-" + size), VALUE_LENGTH, entries);
                    ClusteredStoreClient client = bench.start(cluster))
                {
                    snapshot(cluster, client, entries);
                }
            }
        }
        finally
        {
            org.agrona.IoUtil.delete(dir, true);
        }
    }

    private ClusteredStoreClient start(final LocalCluster cluster) throws Exception
    {
        cluster.startAll();
        final ClusteredStoreClient client = ClusteredStoreClient.connect(new ClusterClientContext()
            .ingressEndpoints(cluster.ingressEndpoints())
            .maxValueLength(VALUE_LENGTH)
            .connectTimeoutNs(TimeUnit.MINUTES.toNanos(2))
            .listener(this));
        System.out.println("cores=" + Runtime.getRuntime().availableProcessors() + " leader=" +
            client.leaderMemberId() + " (three members and this client on this machine)");
        return client;
    }

    private Histogram run(final ClusteredStoreClient client, final int rate, final int seconds, final File out)
    {
        histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        answered = 0;
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long next = start;
        long sent = 0;
        long windowFull = 0;
        boolean delayed = false;
        while (next < end)
        {
            final long now = System.nanoTime();
            if (now >= next)
            {
                final long key = ThreadLocalRandom.current().nextInt(100_000);
                value.putLong(0, key);
                final long id = client.put(key, value, 0, VALUE_LENGTH);
                if (ClusteredStoreClient.WINDOW_FULL == id)
                {
                    windowFull += delayed ? 0 : 1;
                    delayed = true;
                }
                else
                {
                    delayed = false;
                    intendedNs[(int)(id % intendedNs.length)] = next;
                    next += intervalNs;
                    sent++;
                }
            }
            client.poll();
        }
        while (client.unanswered() > 0)
        {
            client.poll();
        }
        final double elapsed = (System.nanoTime() - start) / 1e9;
        if (null != out)
        {
            System.out.printf("rate %,d/s for %d s: sent %,d, answered %,d in %.1f s (%,.0f/s); " +
                "%,d sends waited for a full window; round trip us p50 %,.1f p90 %,.1f p99 %,.1f p99.9 %,.1f max %,.1f%n", rate, seconds, sent, answered,
                elapsed, answered / elapsed, windowFull, histogram.getValueAtPercentile(50) / 1000.0,
                histogram.getValueAtPercentile(90) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getValueAtPercentile(99.9) / 1000.0, histogram.getMaxValue() / 1000.0);
        }
        return histogram;
    }

    private static void snapshot(final LocalCluster cluster, final ClusteredStoreClient client, final int entries)
        throws Exception
    {
        final StoreBatch batch = client.newBatch();
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);
        for (long key = 0; key < entries; )
        {
            batch.clear();
            for (int i = 0; i < 200 && key < entries; i++, key++)
            {
                value.putLong(0, key);
                batch.put(key, value, 0, VALUE_LENGTH);
            }
            while (ClusteredStoreClient.WINDOW_FULL == client.apply(batch))
            {
                client.poll();
            }
            client.poll();
        }
        while (client.unanswered() > 0)
        {
            client.poll();
        }
        final int leader = client.leaderMemberId();
        final List<String> before = snapshotLines(cluster);
        final long start = System.nanoTime();
        if (!ClusterTool.snapshot(new File(cluster.config(leader).dir(), "cluster"),
            new PrintStream(new ByteArrayOutputStream())))
        {
            throw new IllegalStateException("ClusterTool snapshot refused");
        }
        List<String> lines = snapshotLines(cluster);
        while (lines.size() < before.size() + LocalCluster.MEMBERS)
        {
            client.poll();
            if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(5))
            {
                throw new IllegalStateException("no snapshot from every member within 5 minutes");
            }
            lines = snapshotLines(cluster);
        }
        final long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        lines.removeAll(before);
        for (final String line : lines)
        {
            final Matcher m = SNAPSHOT_LINE.matcher(line);
            if (m.find())
            {
                System.out.printf("snapshot of %,d entries: member %s wrote %s pages (%,d bytes) in %,d us%n",
                    Long.parseLong(m.group(2)), m.group(1), m.group(3), Long.parseLong(m.group(4)),
                    Long.parseLong(m.group(5)));
            }
        }
        System.out.printf("snapshot of %,d entries: %,d ms from the request to every member's line%n", entries, wallMs);
    }

    private static List<String> snapshotLines(final LocalCluster cluster) throws Exception
    {
        final List<String> lines = new ArrayList<>();
        final File[] logs = cluster.root().listFiles((d, name) -> name.endsWith(".log"));
        if (null != logs)
        {
            java.util.Arrays.sort(logs);
            for (final File log : logs)
            {
                for (final String line : Files.readAllLines(log.toPath()))
                {
                    if (SNAPSHOT_LINE.matcher(line).find())
                    {
                        lines.add(line);
                    }
                }
            }
        }
        return lines;
    }

    /**
     * {@inheritDoc}
     */
    public void onApplied(final long requestId, final long position)
    {
        final long latency = System.nanoTime() - intendedNs[(int)(requestId % intendedNs.length)];
        if (null != histogram)
        {
            histogram.recordValue(Math.min(latency, histogram.getHighestTrackableValue()));
        }
        answered++;
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final long requestId, final int status, final String reason)
    {
        throw new IllegalStateException("request " + requestId + " refused: " + reason);
    }
}
