/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import io.aeron.cluster.ClusterTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.PrintStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three members, each a child JVM, and a client in this JVM writing varied requests: members are killed with SIGKILL
 * under load and restarted from their snapshot and log; afterwards every member's state (read through a
 * ProcessReader) equals the model of the answered requests, so nothing acknowledged is lost and nothing is applied
 * twice.
 */
class ClusterFailoverTest
{
    private static final long SEED = Long.getLong("tidemark.test.seed", System.nanoTime());
    private static final int MAX_VALUE_LENGTH = 96;
    private static final long LONG_MS = 120_000;

    @TempDir
    File dir;

    @Test
    void shouldKeepEveryAcknowledgedWriteWhenTheLeaderIsKilled() throws Exception
    {
        System.out.println("seed=" + SEED);
        try (LocalCluster members = new LocalCluster(dir, MAX_VALUE_LENGTH, 100_000))
        {
            members.startAll();
            final ClusterWorkload workload = new ClusterWorkload(SEED, MAX_VALUE_LENGTH);
            try (ClusteredStoreClient client = connect(members, workload))
            {
                try
                {
                    workload.write(client, 3_000, LONG_MS);
                    final int leader = client.leaderMemberId();
                    members.kill(leader);
                    workload.write(client, 3_000, LONG_MS);
                    workload.drain(client, LONG_MS);
                    System.out.println("leader " + leader + " killed; new leader " + client.leaderMemberId() +
                        "; applied=" + workload.applied + " refused=" + workload.rejected + " reconnects=" +
                        client.reconnects() + " resends=" + client.resends() + " batchesOverMtu=" +
                        workload.batchesOverMtu);
                    assertNotEquals(leader, client.leaderMemberId(), "a new leader was elected");
                    assertTrue(client.reconnects() + client.resends() > 0, "the client followed the failover");
                    assertTrue(workload.batchesOverMtu > 0 && workload.valuesAtMax > 0, "the workload's shapes");

                    for (int id = 0; id < LocalCluster.MEMBERS; id++)
                    {
                        if (id != leader)
                        {
                            assertState(members, id, workload);
                        }
                    }

                    members.start(leader); // the old leader comes back from its log and catches up
                    workload.write(client, 500, LONG_MS);
                    workload.drain(client, LONG_MS);
                    for (int id = 0; id < LocalCluster.MEMBERS; id++)
                    {
                        assertState(members, id, workload);
                    }
                }
                catch (final AssertionError | RuntimeException ex)
                {
                    throw new AssertionError("seed=" + SEED + ": " + ex.getMessage() + "\n" + members.allLogs(), ex);
                }
            }
        }
    }

    @Test
    void shouldRestartMembersFromTheirSnapshotAndLog() throws Exception
    {
        System.out.println("seed=" + SEED);
        try (LocalCluster members = new LocalCluster(dir, MAX_VALUE_LENGTH, 100_000))
        {
            members.startAll();
            final ClusterWorkload workload = new ClusterWorkload(SEED + 1, MAX_VALUE_LENGTH);
            try (ClusteredStoreClient client = connect(members, workload))
            {
                try
                {
                    workload.write(client, 3_000, LONG_MS);
                    workload.drain(client, LONG_MS);
                    final int leader = client.leaderMemberId();
                    assertTrue(ClusterTool.snapshot(members.config(leader).dir.toPath().resolve("cluster").toFile(),
                        new PrintStream(new java.io.ByteArrayOutputStream())), "snapshot requested");
                    for (int id = 0; id < LocalCluster.MEMBERS; id++)
                    {
                        final int member = id;
                        LocalCluster.await(() -> logContains(members, member, "tidemark: member " + member +
                            " snapshot entries="), LONG_MS, client::poll, "member " + id + "'s snapshot");
                    }

                    final int follower = (leader + 1) % LocalCluster.MEMBERS;
                    workload.write(client, 1_500, LONG_MS);
                    members.kill(follower);
                    workload.write(client, 1_500, LONG_MS); // the follower misses these
                    workload.drain(client, LONG_MS);
                    members.start(follower);
                    assertState(members, follower, workload);
                    assertTrue(logContains(members, follower, "loaded snapshot"), "the follower loaded its snapshot");

                    final int current = client.leaderMemberId();
                    members.kill(current);
                    workload.write(client, 1_000, LONG_MS);
                    workload.drain(client, LONG_MS);
                    members.start(current);
                    workload.write(client, 200, LONG_MS);
                    workload.drain(client, LONG_MS);
                    for (int id = 0; id < LocalCluster.MEMBERS; id++)
                    {
                        assertState(members, id, workload);
                    }
                }
                catch (final AssertionError | RuntimeException ex)
                {
                    throw new AssertionError("seed=" + SEED + ": " + ex.getMessage() + "\n" + members.allLogs(), ex);
                }
            }
        }
    }

    private static ClusteredStoreClient connect(final LocalCluster members, final ClusterWorkload workload)
    {
        return ClusteredStoreClient.connect(new ClusterClientContext()
            .ingressEndpoints(members.ingressEndpoints())
            .maxValueLength(MAX_VALUE_LENGTH)
            .connectTimeoutNs(LONG_MS * 1_000_000L)
            .listener(workload));
    }

    private static void assertState(final LocalCluster members, final int id, final ClusterWorkload workload)
    {
        final Map<Long, String> state = members.awaitState(id, workload.maxAppliedPosition, LONG_MS);
        final Map<Long, String> model = workload.model();
        if (!model.equals(state))
        {
            int missing = 0;
            int wrong = 0;
            for (final Map.Entry<Long, String> entry : model.entrySet())
            {
                final String found = state.get(entry.getKey());
                missing += null == found ? 1 : 0;
                wrong += null != found && !found.equals(entry.getValue()) ? 1 : 0;
            }
            assertEquals(model.size(), state.size(), "member " + id + ": entries (missing=" + missing + " wrong=" +
                wrong + ")");
            throw new AssertionError("member " + id + " differs from the model: missing=" + missing + " wrong=" +
                wrong);
        }
    }

    private static boolean logContains(final LocalCluster members, final int id, final String text)
    {
        return members.logContains(id, text);
    }
}
