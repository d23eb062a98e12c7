/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero allocation on the cluster's hot paths, measured with the JVM's per-thread allocation counters: the client's
 * put, apply and poll (this thread) and the service's apply and answer (the clustered service thread of a one-member
 * cluster in this JVM, Aeron Cluster's own code included), over windows of 20,000 requests after a warm-up.
 */
class ClusterAllocationTest implements ClusteredStoreListener
{
    @TempDir
    File dir;

    private long answered;

    @Test
    void shouldNotAllocateOnTheClientOrServicePaths() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final int portBase = 30500 + 50 * ThreadLocalRandom.current().nextInt(30);
        final ClusterMember.Config config = new ClusterMember.Config().memberId(0).hosts("localhost")
            .portBase(portBase).dir(new File(dir, "member")).aeronDir("/dev/shm/tidemark-test-alloc-" + portBase)
            .maxValueLength(64).capacity(100_000);
        try (ClusterMember member = ClusterMember.launch(config);
            ClusteredStoreClient client = ClusteredStoreClient.connect(new ClusterClientContext()
                .ingressEndpoints(config.ingressEndpoints()).maxValueLength(64).listener(this)))
        {
            final UnsafeBuffer value = new UnsafeBuffer(new byte[64]);
            run(client, value, 50_000); // warm-up: every path compiled, every buffer grown
            final Thread service = serviceThread();
            assertTrue(member.stateDir().isDirectory());
            final List<String> windows = new ArrayList<>();
            int zeroInARow = 0;
            for (int window = 0; window < 10 && zeroInARow < 2; window++)
            {
                final long clientStart = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                final long serviceStart = threads.getThreadAllocatedBytes(service.getId());
                run(client, value, 20_000);
                final long clientBytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - clientStart;
                final long serviceBytes = threads.getThreadAllocatedBytes(service.getId()) - serviceStart;
                windows.add("client=" + clientBytes + " service=" + serviceBytes);
                zeroInARow = 0 == clientBytes && 0 == serviceBytes ? zeroInARow + 1 : 0;
            }
            System.out.println("allocated per window of 20,000 requests: " + windows);
            assertTrue(zeroInARow >= 2, "two windows in a row allocating nothing: " + windows);
        }
    }

    private void run(final ClusteredStoreClient client, final UnsafeBuffer value, final int requests)
    {
        final long target = answered + requests;
        int made = 0;
        long key = 0;
        while (answered < target)
        {
            if (made < requests)
            {
                value.putLong(0, key);
                final long id = (made & 7) == 7 ?
                    client.apply(client.newBatch().put(key, value, 0, 64).remove(key + 1)) :
                    client.put(key, value, 0, 8 + (made & 31));
                if (ClusteredStoreClient.WINDOW_FULL != id)
                {
                    made++;
                    key = (key + 1) % 50_000;
                }
            }
            client.poll();
        }
    }

    private static Thread serviceThread()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().contains("clustered-service"))
            {
                return thread;
            }
        }
        throw new AssertionError("no clustered-service thread among " + Thread.getAllStackTraces().keySet());
    }

    public void onApplied(final long requestId, final long position)
    {
        answered++;
    }

    public void onRejected(final long requestId, final int status, final String reason)
    {
        throw new AssertionError("refused: " + reason);
    }
}
