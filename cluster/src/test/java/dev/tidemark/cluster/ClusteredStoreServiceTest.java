/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.archive.ChangeMessageDescriptor;
import dev.tidemark.archive.ChangeMessageFlyweight;
import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.ProcessReader;
import dev.tidemark.store.StoreBatch;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static dev.tidemark.cluster.ClusterResponseDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A one-member cluster in this JVM, sent requests by hand over a raw Aeron Cluster session: every malformed shape is
 * answered INVALID and changes nothing, a repeat is answered with its first outcome and never applied twice, a gap is
 * answered OUT_OF_ORDER, a full table refuses a put and a whole batch atomically.
 */
class ClusteredStoreServiceTest
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int MAX_VALUE_LENGTH = 32;
    private static final int CAPACITY = 16;

    @TempDir
    File dir;

    private ClusterMember member;
    private ClusterMember.Config config;
    private MediaDriver clientDriver;
    private AeronCluster session;
    private final Map<Long, long[]> answers = new HashMap<>(); // request id -> {status, position}
    private final Map<Long, String> reasons = new HashMap<>();
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer();
    private final ChangeMessageFlyweight message = new ChangeMessageFlyweight(4096);
    private final StoreBatch batch = StoreBatch.forGeometry(8, MAX_VALUE_LENGTH, 1024);
    private final UnsafeBuffer value = new UnsafeBuffer(new byte[MAX_VALUE_LENGTH]);

    @BeforeEach
    void start()
    {
        final int portBase = 29000 + 50 * ThreadLocalRandom.current().nextInt(30);
        config = new ClusterMember.Config()
            .memberId(0)
            .hosts("localhost")
            .portBase(portBase)
            .dir(new File(dir, "member-0"))
            .aeronDir("/dev/shm/tidemark-test-single-" + portBase)
            .maxValueLength(MAX_VALUE_LENGTH)
            .capacity(CAPACITY);
        member = ClusterMember.launch(config);
        clientDriver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true)
            .termBufferSparseFile(true));
        session = AeronCluster.connect(new AeronCluster.Context()
            .aeronDirectoryName(clientDriver.aeronDirectoryName())
            .ingressChannel("aeron:udp")
            .ingressEndpoints(config.ingressEndpoints())
            .egressChannel("aeron:udp?endpoint=localhost:0")
            .messageTimeoutNs(60_000_000_000L)
            .egressListener(new EgressListener()
            {
                public void onMessage(
                    final long clusterSessionId, final long timestamp, final DirectBuffer buffer, final int offset,
                    final int length, final Header header)
                {
                    final long requestId = buffer.getLong(offset + REQUEST_ID_OFFSET, ORDER);
                    answers.put(requestId, new long[]{buffer.getInt(offset + STATUS_OFFSET, ORDER),
                        buffer.getLong(offset + POSITION_OFFSET, ORDER)});
                    final int reasonLength = buffer.getInt(offset + REASON_LENGTH_OFFSET, ORDER);
                    reasons.put(requestId, buffer.getStringWithoutLengthAscii(offset + REASON_OFFSET, reasonLength));
                }
            }));
    }

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(session, clientDriver, member);
    }

    @Test
    void shouldApplyEachRequestOnceAndRefuseBadShapesChangingNothing()
    {
        final long client = 77;
        final long p1 = expect(send(client, 1, put(1, 100)), APPLIED)[1];
        final long p2 = expect(send(client, 2, put(1, 200)), APPLIED)[1];
        assertTrue(p2 > p1);
        assertEquals(200, valueOf(1));

        // A repeat of request 1 is answered with its first outcome and not applied again.
        final long[] repeat = expect(send(client, 1, put(1, 100)), APPLIED);
        assertEquals(p1, repeat[1]);
        assertEquals(200, valueOf(1), "the repeat changed nothing");

        // A gap is answered with the id expected; nothing is applied.
        final long[] gap = expect(send(client, 5, put(2, 1)), OUT_OF_ORDER);
        assertEquals(3, gap[1]);
        assertEquals(-1, valueOf(2));

        // A flipped byte fails the CRC: refused, and the id is spent.
        encode(client, 3, put(3, 300));
        request.putByte(ClusterRequestDescriptor.MESSAGE_OFFSET + ChangeMessageDescriptor.OPERATIONS_OFFSET +
            BatchDescriptor.KEY_OFFSET, (byte)9);
        expect(offer(3, ClusterRequestDescriptor.MESSAGE_OFFSET + ChangeMessageDescriptor.HEADER_LENGTH +
            batch.length()), INVALID);
        assertTrue(reasons.get(3L).contains("CRC"), reasons.get(3L));
        assertEquals(-1, valueOf(3));

        // A value longer than the store takes, sealed with a right CRC: refused by shape.
        final int length = encode(client, 4, put(4, 400));
        request.putInt(ClusterRequestDescriptor.MESSAGE_OFFSET + ChangeMessageDescriptor.OPERATIONS_OFFSET +
            BatchDescriptor.VALUE_LENGTH_OFFSET, MAX_VALUE_LENGTH + 1, ORDER);
        message.wrapForWrite(request, ClusterRequestDescriptor.MESSAGE_OFFSET,
            length - ClusterRequestDescriptor.MESSAGE_OFFSET).seal();
        expect(offer(4, length), INVALID);
        assertEquals(-1, valueOf(4));

        // Too short, another type, a zero client id: refused.
        request.putInt(0, 0x12345678, ORDER);
        expect(offer(0, 3), INVALID);
        encode(client, 5, put(5, 500));
        request.putInt(ClusterRequestDescriptor.TYPE_OFFSET, 0x0BADBEEF, ORDER);
        expect(offer(0, ClusterRequestDescriptor.MIN_LENGTH + batch.length()), INVALID);
        answers.clear();
        expect(send(0, 1, put(5, 500)), INVALID);
        assertEquals(-1, valueOf(5));

        // An unknown client must start at 1; a stranger's first request that fails its checks is not remembered.
        assertEquals(1, expect(send(88, 7, put(6, 600)), UNKNOWN_CLIENT)[1]);
        encode(99, 1, put(7, 700));
        request.putInt(ClusterRequestDescriptor.RESERVED_OFFSET, 1, ORDER);
        expect(offer(1, ClusterRequestDescriptor.MIN_LENGTH + batch.length()), INVALID);
        answers.clear();
        assertEquals(1, expect(send(99, 2, put(7, 700)), UNKNOWN_CLIENT)[1], "the refused request 1 registered nobody");
        expect(send(88, 1, put(6, 600)), APPLIED);
        assertEquals(600, valueOf(6));
        assertEquals(2, size(), "keys 1 and 6 only: nothing refused landed");
    }

    @Test
    void shouldRefuseASecondMemberOnTheSameDirectoryLeavingTheFirstRunning()
    {
        final IllegalStateException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> ClusterMember.launch(config));
        assertTrue(ex.getMessage().contains("already running"), ex.getMessage());
        expect(send(3, 1, put(1, 1)), APPLIED);
        assertEquals(1, valueOf(1));
    }

    @Test
    void shouldRefuseWhatWouldOverflowTheTableAtomically()
    {
        final long client = 5;
        long id = 0;
        int stored = 0;
        while (true)
        {
            final long[] answer = expectAny(send(client, ++id, put(1000 + id, (int)id)));
            if (TABLE_FULL == answer[0])
            {
                break;
            }
            assertEquals(APPLIED, answer[0]);
            stored++;
        }
        assertEquals(CAPACITY, stored);
        assertEquals(CAPACITY, size());
        // One removal and two inserts: the second insert would overflow, so the removal must not happen either.
        batch.clear().remove(1001).put(1, value, 0, 8).put(2, value, 0, 8);
        expect(send(client, ++id, batch), TABLE_FULL);
        assertEquals(1, valueOf(1001), "the refused batch removed nothing");
        assertEquals(CAPACITY, size());
        // The refusal spent its id and is answered alike when repeated.
        expect(send(client, id, batch), TABLE_FULL);
        batch.clear().remove(1001).put(1, value, 0, 8);
        expect(send(client, ++id, batch), APPLIED);
        assertEquals(-1, valueOf(1001));
    }

    private StoreBatch put(final long key, final int v)
    {
        value.putInt(0, v, ORDER);
        return batch.clear().put(key, value, 0, 4 + (int)(key % 20));
    }

    private int encode(final long client, final long requestId, final StoreBatch operations)
    {
        final int length = ClusterRequestDescriptor.MESSAGE_OFFSET + ChangeMessageDescriptor.HEADER_LENGTH +
            operations.length();
        request.putInt(ClusterRequestDescriptor.TYPE_OFFSET, ClusterRequestDescriptor.TYPE, ORDER);
        request.putInt(ClusterRequestDescriptor.RESERVED_OFFSET, 0, ORDER);
        request.putLong(ClusterRequestDescriptor.CLIENT_ID_OFFSET, client, ORDER);
        request.putBytes(ClusterRequestDescriptor.MESSAGE_OFFSET + ChangeMessageDescriptor.OPERATIONS_OFFSET,
            operations.buffer(), operations.offset(), operations.length());
        message.wrapForWrite(request, ClusterRequestDescriptor.MESSAGE_OFFSET,
            length - ClusterRequestDescriptor.MESSAGE_OFFSET)
            .writeHeader(requestId, operations.operationCount(), operations.length()).seal();
        return length;
    }

    private long send(final long client, final long requestId, final StoreBatch operations)
    {
        return offer(requestId, encode(client, requestId, operations));
    }

    private long offer(final long requestId, final int length)
    {
        answers.remove(requestId);
        LocalCluster.await(() -> session.offer(request, 0, length) > 0, 60_000, session::pollEgress, "ingress");
        return requestId;
    }

    private long[] expectAny(final long requestId)
    {
        LocalCluster.await(() -> answers.containsKey(requestId), 60_000, session::pollEgress,
            "an answer to request " + requestId);
        return answers.get(requestId);
    }

    private long[] expect(final long requestId, final int status)
    {
        final long[] answer = expectAny(requestId);
        assertEquals(statusName(status), statusName((int)answer[0]), "request " + requestId + ": " +
            reasons.get(requestId));
        return answer;
    }

    private int valueOf(final long key)
    {
        try (ProcessReader reader = ProcessReader.open(member.stateDir()))
        {
            final UnsafeBuffer into = new UnsafeBuffer(new byte[MAX_VALUE_LENGTH]);
            return reader.get(key, into, 0) < 0 ? -1 : into.getInt(0, ORDER);
        }
    }

    private int size()
    {
        try (ProcessReader reader = ProcessReader.open(member.stateDir()))
        {
            return reader.size();
        }
    }
}
