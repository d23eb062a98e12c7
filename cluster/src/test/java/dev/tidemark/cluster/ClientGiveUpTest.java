/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's give-up path against a live one-member cluster: with the cluster gone, every unanswered request is told
 * EXPIRED once the oldest has waited {@code requestTimeoutNs}, the client takes a new id, the ids it hands out keep
 * growing, and once the member is back (from its log) the client writes on under the new id.
 */
class ClientGiveUpTest implements ClusteredStoreListener
{
    @TempDir
    File dir;

    private final List<Long> applied = new ArrayList<>();
    private final List<Long> expired = new ArrayList<>();

    @Test
    void shouldGiveUpOnEveryUnansweredRequestAndGoOnUnderANewId()
    {
        final int portBase = 31500 + 50 * ThreadLocalRandom.current().nextInt(20);
        final ClusterMember.Config config = new ClusterMember.Config().memberId(0).hosts("localhost")
            .portBase(portBase).dir(new File(dir, "member")).aeronDir("/dev/shm/tidemark-test-giveup-" + portBase)
            .maxValueLength(16).capacity(1_000);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
        ClusterMember member = ClusterMember.launch(config);
        try (ClusteredStoreClient client = ClusteredStoreClient.connect(new ClusterClientContext()
            .ingressEndpoints(config.ingressEndpoints()).maxValueLength(16).listener(this)
            .resendTimeoutNs(500_000_000L).requestTimeoutNs(3_000_000_000L)))
        {
            final long first = client.put(1, value, 0, 8);
            assertTrue(client.awaitAnswered(first, 60_000_000_000L));
            assertEquals(List.of(first), applied);
            final long idBefore = client.clientId();

            member.close(); // the cluster is gone
            member = null;
            final long second = client.put(2, value, 0, 8);
            final long third = client.put(3, value, 0, 8);
            LocalCluster.await(() -> expired.size() == 2, 120_000, client::poll, "both requests given up");
            assertEquals(List.of(second, third), expired);
            assertTrue(client.isAnswered(second) && client.isAnswered(third));
            assertNotEquals(idBefore, client.clientId(), "a new client id after giving up");

            member = ClusterMember.launch(config); // back, from its log
            // Until the client has a session again its requests may expire too (3 s here): try until one applies.
            long last = third;
            final long deadline = System.nanoTime() + 120_000_000_000L;
            while (applied.size() < 2 && System.nanoTime() < deadline)
            {
                final long next = client.put(4, value, 0, 8);
                assertTrue(next > last, "ids keep growing: " + next + " after " + last);
                last = next;
                assertTrue(client.awaitAnswered(next, 60_000_000_000L));
            }
            assertEquals(List.of(first, last), applied, "written on under the new id");
        }
        finally
        {
            if (null != member)
            {
                member.close();
            }
        }
    }

    public void onApplied(final long requestId, final long position)
    {
        applied.add(requestId);
    }

    public void onRejected(final long requestId, final int status, final String reason)
    {
        assertEquals(ClusterResponseDescriptor.statusName(ClusterResponseDescriptor.EXPIRED),
            ClusterResponseDescriptor.statusName(status), reason);
        expired.add(requestId);
    }
}
