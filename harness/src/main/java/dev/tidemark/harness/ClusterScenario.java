/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.cluster.ClusterClientContext;
import dev.tidemark.cluster.ClusterWorkload;
import dev.tidemark.cluster.ClusteredStoreClient;
import dev.tidemark.cluster.LocalCluster;
import io.aeron.cluster.ClusterTool;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The store on Aeron Cluster under SIGKILL: three members (child JVMs, {@link LocalCluster}), a client in this JVM
 * writing the varied workload of {@link ClusterWorkload} (puts of every value length up to the max, removes, batches
 * of up to 40 operations, many over one MTU). Each cycle writes, kills one member with SIGKILL at a random moment
 * under load (the leader half the time, a follower otherwise), keeps writing through the election, restarts the
 * member on its directories, and sometimes takes a snapshot first. After every cycle, once every request is answered,
 * each running member's state (read with a ProcessReader) must equal the model of the acknowledged requests: a key
 * missing or a value wrong is counted lost. A member restarted from its snapshot and log is checked the same way.
 * <p>
 * A cycle restarts a member (Aeron's mark files keep a killed member's relaunch waiting up to 10 s) and waits for an
 * election, so this scenario runs a tenth of {@code --cycles}, at least 3.
 */
final class ClusterScenario
{
    private static final int MAX_VALUE_LENGTH = 96;
    private static final long TIMEOUT_MS = 180_000;

    private final CrashRun crashRun;
    private final Random random;

    ClusterScenario(final CrashRun crashRun)
    {
        this.crashRun = crashRun;
        this.random = crashRun.random;
    }

    void run(final CrashHarness.Result result) throws Exception
    {
        final File dir = new File(crashRun.workDir, "cluster-" + random.nextInt(1_000_000));
        final ClusterWorkload workload = new ClusterWorkload(random.nextLong(), MAX_VALUE_LENGTH);
        try (LocalCluster cluster = new LocalCluster(dir, MAX_VALUE_LENGTH, 100_000))
        {
            cluster.startAll();
            try (ClusteredStoreClient client = ClusteredStoreClient.connect(new ClusterClientContext()
                .ingressEndpoints(cluster.ingressEndpoints())
                .maxValueLength(MAX_VALUE_LENGTH)
                .connectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS))
                .listener(workload)))
            {
                final int cycles = Math.max(3, crashRun.cycles / 10);
                for (int cycle = 0; cycle < cycles; cycle++)
                {
                    try
                    {
                        cycle(cluster, client, workload, result);
                    }
                    catch (final AssertionError | RuntimeException ex)
                    {
                        result.fail("cycle " + cycle + ": " + CrashChild.oneLine(ex) + "\n" + cluster.allLogs());
                        break;
                    }
                    result.acknowledged = workload.counts()[0];
                    crashRun.progress(result, cycle);
                }
                final long[] counts = workload.counts();
                result.acknowledged = counts[0];
                result.batchesOverMtu = counts[3];
                result.valuesAtMax = counts[4];
                result.largestBatchLength = counts[5];
                result.largestBatchOperations = counts[6];
                result.notes.add("requests applied " + counts[0] + ", refused (table full) " + counts[1] +
                    "; client reconnects " + client.reconnects() + ", resends " + client.resends());
            }
        }
        finally
        {
            org.agrona.IoUtil.delete(dir, true);
        }
    }

    private void cycle(
        final LocalCluster cluster, final ClusteredStoreClient client, final ClusterWorkload workload,
        final CrashHarness.Result result) throws Exception
    {
        if (random.nextInt(3) == 0)
        {
            final int leader = client.leaderMemberId();
            if (leader >= 0 && !ClusterTool.snapshot(new File(cluster.config(leader).dir(), "cluster"),
                new PrintStream(new ByteArrayOutputStream())))
            {
                result.notes.add("a snapshot request was refused (an election under way)");
            }
        }
        workload.write(client, 200 + random.nextInt(1_500), TIMEOUT_MS);
        final int leader = client.leaderMemberId();
        final int victim = random.nextBoolean() || leader < 0 ? leader < 0 ? random.nextInt(LocalCluster.MEMBERS) :
            leader : (leader + 1 + random.nextInt(LocalCluster.MEMBERS - 1)) % LocalCluster.MEMBERS;
        cluster.kill(victim); // while the client's window is full of requests in flight
        result.childRuns++;
        workload.write(client, 200 + random.nextInt(1_500), TIMEOUT_MS);
        workload.drain(client, TIMEOUT_MS);
        check(cluster, workload, result, victim);
        cluster.start(victim);
        workload.write(client, 100 + random.nextInt(300), TIMEOUT_MS);
        workload.drain(client, TIMEOUT_MS);
        check(cluster, workload, result, -1);
    }

    private static void check(
        final LocalCluster cluster, final ClusterWorkload workload, final CrashHarness.Result result, final int down)
    {
        final Map<Long, String> model = workload.model();
        for (int id = 0; id < LocalCluster.MEMBERS; id++)
        {
            if (id == down)
            {
                continue;
            }
            final Map<Long, String> state = cluster.awaitState(id, workload.maxAppliedPosition(), TIMEOUT_MS);
            long lost = 0;
            for (final Map.Entry<Long, String> entry : model.entrySet())
            {
                lost += entry.getValue().equals(state.get(entry.getKey())) ? 0 : 1;
            }
            result.lost += lost;
            if (state.size() != model.size())
            {
                result.invariants++;
                result.fail("member " + id + " holds " + state.size() + " entries, the acknowledged writes " +
                    model.size());
            }
            else if (lost > 0)
            {
                result.fail("member " + id + ": " + lost + " acknowledged writes missing or wrong");
            }
        }
    }
}
