/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Three members on this machine, one command: starts a Tidemark cluster (three child JVMs, each a media driver,
 * archive, consensus module and the store's service), writes to it at a fixed rate through a
 * {@link ClusteredStoreClient} printing each second's acknowledgements and their round-trip latency, kills the leader
 * with SIGKILL a third of the way in, keeps writing through the election, restarts the old leader, and checks that
 * every member holds exactly the acknowledged state (digests printed).
 * <p>
 * Arguments ({@code key=value}): {@code seconds} (10), {@code rate} (requests/s, 2,000), {@code keys} (50,000),
 * {@code dir} (a new temporary directory, deleted at the end), {@code portBase} (20000), {@code keep} (false: true
 * leaves the members running until Ctrl-C, for other clients).
 */
public final class ClusterDemo implements ClusteredStoreListener
{
    private static final int VALUE_LENGTH = 64;
    private static final long TIMEOUT_MS = 120_000;

    private final long[] intendedNs = new long[ClusterRequestDescriptor.OUTCOME_WINDOW];
    private final Map<Long, long[]> pending = new HashMap<>();
    private final Map<Long, Long> model = new HashMap<>();
    private final Histogram second = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final Histogram total = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private long acked;
    private long rejected;
    private long maxPosition;

    private ClusterDemo()
    {
    }

    /**
     * Run the demo.
     *
     * @param args {@code key=value} settings.
     * @throws Exception if it fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> settings = new HashMap<>();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq < 1)
            {
                throw new IllegalArgumentException("expected key=value: " + arg);
            }
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        final int seconds = Integer.parseInt(settings.getOrDefault("seconds", "10"));
        final int rate = Integer.parseInt(settings.getOrDefault("rate", "2000"));
        final int keys = Integer.parseInt(settings.getOrDefault("keys", "50000"));
        final int portBase = Integer.parseInt(settings.getOrDefault("portBase", "20000"));
        final boolean keep = Boolean.parseBoolean(settings.getOrDefault("keep", "false"));
        final boolean ownDir = !settings.containsKey("dir");
        final File dir = ownDir ? Files.createTempDirectory("tidemark-cluster-demo").toFile() :
            new File(settings.get("dir"));
        try
        {
            new ClusterDemo().run(dir, seconds, rate, keys, portBase, keep);
        }
        finally
        {
            if (ownDir)
            {
                IoUtil.delete(dir, true);
            }
        }
    }

    private void run(
        final File dir, final int seconds, final int rate, final int keys, final int portBase, final boolean keep)
        throws Exception
    {
        try (LocalCluster cluster = new LocalCluster(dir, VALUE_LENGTH, Math.max(2 * keys, 1024), portBase))
        {
            System.out.println("Starting three members (child JVMs) under " + dir + ", ingress " +
                cluster.ingressEndpoints());
            cluster.startAll();
            final long connectStart = System.nanoTime();
            try (ClusteredStoreClient client = ClusteredStoreClient.connect(new ClusterClientContext()
                .ingressEndpoints(cluster.ingressEndpoints())
                .maxValueLength(VALUE_LENGTH)
                .connectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS))
                .listener(this)))
            {
                System.out.printf("Connected in %d ms; leader is member %d. Writing %,d puts/s for %d s " +
                    "(2 cores: three members and this client share them, so latency here is contention, not network)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStart), client.leaderMemberId(), rate,
                    seconds);
                final int killed = write(client, cluster, seconds, rate, keys);
                LocalCluster.await(() -> 0 == client.unanswered(), TIMEOUT_MS, client::poll, "every answer");
                System.out.printf("All %,d requests answered: %,d applied, %,d refused; client reconnects=%d " +
                    "resends=%d%n", acked + rejected, acked, rejected, client.reconnects(), client.resends());
                print("Round trip, whole run (us)", total);

                System.out.println("Restarting member " + killed + " (it catches up from its log) ...");
                final long restart = System.nanoTime();
                cluster.start(killed);
                final String expected = digest(toHex(model));
                boolean same = true;
                for (int id = 0; id < LocalCluster.MEMBERS; id++)
                {
                    final Map<Long, String> state = cluster.awaitState(id, maxPosition, TIMEOUT_MS);
                    final String digest = digest(state);
                    same &= expected.equals(digest);
                    System.out.printf("member %d: %,d entries, digest %s%s%n", id, state.size(), digest,
                        id == killed ? String.format(" (restarted, caught up in %d ms)",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart)) : "");
                }
                System.out.println("client's model: " + model.size() + " entries, digest " + expected);
                System.out.println(same ? "OK: every acknowledged write is on every member, and nothing else" :
                    "FAILED: a member differs from the acknowledged writes");
                if (keep)
                {
                    System.out.println("Members keep running; clients connect to " + cluster.ingressEndpoints() +
                        " (Ctrl-C to stop)");
                    new org.agrona.concurrent.ShutdownSignalBarrier().await();
                }
                if (!same)
                {
                    System.exit(1);
                }
            }
        }
    }

    private int write(
        final ClusteredStoreClient client, final LocalCluster cluster, final int seconds, final int rate,
        final int keys) throws InterruptedException
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long next = start;
        long nextReport = start + TimeUnit.SECONDS.toNanos(1);
        long version = 0;
        long ackedAtReport = 0;
        int killed = -1;
        long killedAt = 0;
        int oldLeader = -1;
        while (System.nanoTime() < end)
        {
            final long now = System.nanoTime();
            if (now >= next)
            {
                final long key = ThreadLocalRandom.current().nextInt(keys);
                value.putLong(0, key);
                value.putLong(8, ++version);
                final long id = client.put(key, value, 0, VALUE_LENGTH);
                if (ClusteredStoreClient.WINDOW_FULL != id)
                {
                    intendedNs[(int)(id % intendedNs.length)] = next; // from when it was due: no coordinated omission
                    pending.put(id, new long[]{key, version});
                    next += intervalNs;
                }
            }
            client.poll();
            if (-1 == killed && now - start > (end - start) / 3 && client.leaderMemberId() >= 0)
            {
                oldLeader = client.leaderMemberId();
                System.out.println("Killing the leader, member " + oldLeader + ", with SIGKILL");
                cluster.kill(oldLeader);
                killed = oldLeader;
                killedAt = System.nanoTime();
            }
            if (killedAt > 0 && client.isConnected() && client.leaderMemberId() != oldLeader && acked > ackedAtReport)
            {
                System.out.printf("New leader: member %d, %d ms after the kill%n", client.leaderMemberId(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
                killedAt = 0;
            }
            if (now >= nextReport)
            {
                System.out.printf("%3d s  acked %,7d/s  unanswered %3d  leader %d  p50 %,9.1f us  p99 %,9.1f us  " +
                    "max %,9.1f us%n", TimeUnit.NANOSECONDS.toSeconds(now - start), acked - ackedAtReport,
                    client.unanswered(), client.leaderMemberId(), second.getValueAtPercentile(50) / 1000.0,
                    second.getValueAtPercentile(99) / 1000.0, second.getMaxValue() / 1000.0);
                ackedAtReport = acked;
                second.reset();
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
        }
        return killed;
    }

    /**
     * {@inheritDoc}
     */
    public void onApplied(final long requestId, final long position)
    {
        final long latency = System.nanoTime() - intendedNs[(int)(requestId % intendedNs.length)];
        second.recordValue(Math.min(latency, second.getHighestTrackableValue()));
        total.recordValue(Math.min(latency, total.getHighestTrackableValue()));
        final long[] put = pending.remove(requestId);
        model.merge(put[0], put[1], Math::max); // the service applies in request order: the latest version wins
        maxPosition = Math.max(maxPosition, position);
        acked++;
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final long requestId, final int status, final String reason)
    {
        pending.remove(requestId);
        rejected++;
        System.out.println("request " + requestId + " refused: " + ClusterResponseDescriptor.statusName(status) +
            " " + reason);
    }

    private static Map<Long, String> toHex(final Map<Long, Long> model)
    {
        final Map<Long, String> state = new HashMap<>();
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);
        for (final Map.Entry<Long, Long> entry : model.entrySet())
        {
            value.putLong(0, entry.getKey());
            value.putLong(8, entry.getValue());
            state.put(entry.getKey(), LocalCluster.hex(value));
        }
        return state;
    }

    private static String digest(final Map<Long, String> state) throws Exception
    {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (final Map.Entry<Long, String> entry : new TreeMap<>(state).entrySet())
        {
            sha.update((entry.getKey() + "=" + entry.getValue() + "\n").getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
        }
        final byte[] hash = sha.digest();
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            text.append(String.format("%02x", hash[i]));
        }
        return text.toString();
    }

    private static void print(final String title, final Histogram histogram)
    {
        System.out.printf("%s: count %,d  p50 %,.1f  p90 %,.1f  p99 %,.1f  p99.9 %,.1f  max %,.1f%n", title,
            histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1000.0,
            histogram.getValueAtPercentile(90) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
            histogram.getValueAtPercentile(99.9) / 1000.0, histogram.getMaxValue() / 1000.0);
    }
}
