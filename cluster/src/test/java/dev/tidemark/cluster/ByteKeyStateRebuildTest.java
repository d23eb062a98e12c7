/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.store.ProcessReader;
import dev.tidemark.store.StoreBatch;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store of 12-byte keys on a one-member cluster, written with batches of byte keys (values of every length up to
 * the max, some batches over one MTU); then the member's {@code state/} directory is deleted while it is stopped, and
 * the relaunched member rebuilds the same state from its log.
 */
class ByteKeyStateRebuildTest implements ClusteredStoreListener
{
    private static final int KEY_LENGTH = 12;
    private static final int MAX_VALUE_LENGTH = 200;

    @TempDir
    File dir;

    private long applied;

    @Test
    void shouldApplyByteKeysAndRebuildADeletedStateFromTheLog()
    {
        final int portBase = 32500 + 50 * ThreadLocalRandom.current().nextInt(4);
        final ClusterMember.Config config = new ClusterMember.Config().memberId(0).hosts("localhost")
            .portBase(portBase).dir(new File(dir, "member")).aeronDir("/dev/shm/tidemark-test-bytekey-" + portBase)
            .keyLength(KEY_LENGTH).maxValueLength(MAX_VALUE_LENGTH).capacity(10_000);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[KEY_LENGTH]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[MAX_VALUE_LENGTH]);
        ClusterMember member = ClusterMember.launch(config);
        try (ClusteredStoreClient client = ClusteredStoreClient.connect(new ClusterClientContext()
            .ingressEndpoints(config.ingressEndpoints()).keyLength(KEY_LENGTH).maxValueLength(MAX_VALUE_LENGTH)
            .listener(this)))
        {
            long last = 0;
            for (int round = 0; round <= MAX_VALUE_LENGTH; round++)
            {
                final StoreBatch batch = client.newBatch();
                for (int i = 0; i < 8; i++)
                {
                    key.putInt(0, round);
                    key.putLong(4, i);
                    value.putInt(0, round * 8 + i);
                    batch.put(key, 0, value, 0, Math.max(4, (round + i) % (MAX_VALUE_LENGTH + 1)));
                }
                key.putInt(0, round - 1);
                key.putLong(4, 7);
                batch.remove(key, 0);
                last = client.apply(batch);
                assertTrue(last > 0, "window");
                assertTrue(client.awaitAnswered(last, 60_000_000_000L));
            }
            assertEquals(MAX_VALUE_LENGTH + 1, applied);
            final String before = digest(member.stateDir());

            member.close(); // stopped, and its store's files deleted: the cluster's log holds the state
            member = null;
            IoUtil.delete(config.dir().toPath().resolve("state").toFile(), false);
            member = ClusterMember.launch(config);
            final File stateDir = member.stateDir();
            LocalCluster.await(() -> before.equals(digestOrNull(stateDir)), 120_000, Thread::onSpinWait,
                "the rebuilt state equal to the state before");
            assertEquals(before, digest(stateDir));
        }
        finally
        {
            if (null != member)
            {
                member.close();
            }
        }
    }

    private static String digestOrNull(final File stateDir)
    {
        try
        {
            return digest(stateDir);
        }
        catch (final RuntimeException ex)
        {
            return null; // not open yet, or not admitted
        }
    }

    private static String digest(final File stateDir)
    {
        try (ProcessReader reader = ProcessReader.open(stateDir))
        {
            final java.util.TreeMap<String, String> state = new java.util.TreeMap<>();
            reader.forEach((k, v) -> state.put(LocalCluster.hex(k), LocalCluster.hex(v)));
            assertEquals(KEY_LENGTH, reader.keyLength());
            return state.size() + ":" + state.hashCode() + ":" + state.firstKey();
        }
    }

    public void onApplied(final long requestId, final long position)
    {
        applied++;
    }

    public void onRejected(final long requestId, final int status, final String reason)
    {
        throw new AssertionError("refused: " + reason);
    }
}
