/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.store.StoreBatch;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A client's varied writes (puts of every value length up to the max, removes, batches of up to 40 operations, some
 * over one MTU) and the model of what the cluster must hold: each request is applied to the model when it and every
 * earlier request are answered, APPLIED ones only, in request order, as the service applies them. Used by the tests
 * and the crash harness's {@code cluster} scenario; the listener of the client it writes through.
 */
public final class ClusterWorkload implements ClusteredStoreListener
{
    private static final int KEYS = 2_000;

    private final Random random;
    private final int maxValueLength;
    private final UnsafeBuffer value;
    private final ArrayDeque<long[]> outstanding = new ArrayDeque<>();
    private final Map<Long, Request> requests = new HashMap<>();
    private final Map<Long, String> model = new HashMap<>();
    private long version;
    long applied;
    long rejected;
    long maxAppliedPosition;
    long batchesOverMtu;
    long valuesAtMax;
    int largestBatchLength;
    int largestBatchOperations;

    private static final class Request
    {
        final long[] keys;
        final String[] values; // null: a remove
        int status = -1;
        long position;

        Request(final int operations)
        {
            keys = new long[operations];
            values = new String[operations];
        }
    }

    /**
     * @param seed           of the random choices.
     * @param maxValueLength the store's max value length (at least 16: a value holds its key and a version).
     */
    public ClusterWorkload(final long seed, final int maxValueLength)
    {
        this.random = new Random(seed);
        this.maxValueLength = maxValueLength;
        this.value = new UnsafeBuffer(new byte[maxValueLength]);
    }

    /**
     * Make requests until {@code count} more were made, polling the client all the while.
     *
     * @param client    the client, with this workload as its listener.
     * @param count     requests to make.
     * @param timeoutMs how long they may take.
     * @throws AssertionError on timeout, or if a request is refused other than for a full table.
     */
    public void write(final ClusteredStoreClient client, final int count, final long timeoutMs)
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        int made = 0;
        while (made < count)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("made only " + made + " of " + count + " requests in " + timeoutMs +
                    " ms; unanswered=" + client.unanswered() + " reconnects=" + client.reconnects());
            }
            final long id = makeOne(client);
            if (ClusteredStoreClient.WINDOW_FULL == id)
            {
                client.poll();
                Thread.onSpinWait();
                continue;
            }
            made++;
            client.poll();
        }
    }

    /**
     * Poll until every request is answered.
     *
     * @param client    the client.
     * @param timeoutMs how long.
     */
    public void drain(final ClusteredStoreClient client, final long timeoutMs)
    {
        LocalCluster.await(() -> 0 == client.unanswered(), timeoutMs, client::poll,
            "every request answered (unanswered=" + client.unanswered() + ")");
        settle();
    }

    private long makeOne(final ClusteredStoreClient client)
    {
        final int kind = random.nextInt(10);
        final long id;
        final Request request;
        if (kind < 6)
        {
            request = new Request(1);
            request.keys[0] = random.nextInt(KEYS);
            request.values[0] = fillValue(request.keys[0]);
            id = client.put(request.keys[0], value, 0, lastLength);
        }
        else if (kind < 8)
        {
            request = new Request(1);
            request.keys[0] = random.nextInt(KEYS);
            id = client.remove(request.keys[0]);
        }
        else
        {
            final int operations = 2 + random.nextInt(kind == 9 ? 39 : 4);
            request = new Request(operations);
            final StoreBatch batch = client.newBatch();
            for (int i = 0; i < operations; i++)
            {
                request.keys[i] = random.nextInt(KEYS);
                if (random.nextInt(4) > 0)
                {
                    request.values[i] = fillValue(request.keys[i]);
                    batch.put(request.keys[i], value, 0, lastLength);
                }
                else
                {
                    batch.remove(request.keys[i]);
                }
            }
            id = client.apply(batch);
            if (ClusteredStoreClient.WINDOW_FULL != id)
            {
                largestBatchLength = Math.max(largestBatchLength, batch.length());
                largestBatchOperations = Math.max(largestBatchOperations, operations);
            }
            if (batch.length() > 1408 && ClusteredStoreClient.WINDOW_FULL != id)
            {
                batchesOverMtu++;
            }
        }
        if (ClusteredStoreClient.WINDOW_FULL != id)
        {
            for (final String v : request.values)
            {
                valuesAtMax += null != v && v.length() == 2 * maxValueLength ? 1 : 0;
            }
            requests.put(id, request);
            outstanding.add(new long[]{id});
        }
        return id;
    }

    private int lastLength;

    private String fillValue(final long key)
    {
        final int length = random.nextInt(8) == 0 ? maxValueLength : 16 + random.nextInt(maxValueLength - 15);
        value.putLong(0, key);
        value.putLong(8, ++version);
        for (int i = 16; i < length; i++)
        {
            value.putByte(i, (byte)random.nextInt());
        }
        lastLength = length;
        return LocalCluster.hex(new UnsafeBuffer(value.byteArray(), 0, length));
    }

    /**
     * {@inheritDoc}
     */
    public void onApplied(final long requestId, final long position)
    {
        final Request request = requests.get(requestId);
        request.status = ClusterResponseDescriptor.APPLIED;
        request.position = position;
        maxAppliedPosition = Math.max(maxAppliedPosition, position);
        settle();
    }

    /**
     * {@inheritDoc}
     */
    public void onRejected(final long requestId, final int status, final String reason)
    {
        if (ClusterResponseDescriptor.TABLE_FULL != status)
        {
            throw new AssertionError("request " + requestId + " refused: " +
                ClusterResponseDescriptor.statusName(status) + " " + reason);
        }
        requests.get(requestId).status = status;
        settle();
    }

    private void settle()
    {
        while (!outstanding.isEmpty() && requests.get(outstanding.peek()[0]).status >= 0)
        {
            final Request request = requests.remove(outstanding.poll()[0]);
            if (ClusterResponseDescriptor.APPLIED == request.status)
            {
                applied++;
                for (int i = 0; i < request.keys.length; i++)
                {
                    if (null == request.values[i])
                    {
                        model.remove(request.keys[i]);
                    }
                    else
                    {
                        model.put(request.keys[i], request.values[i]);
                    }
                }
            }
            else
            {
                rejected++;
            }
        }
    }

    /**
     * @return requests applied, refused (table full), the highest APPLIED position, batches over one MTU, values of
     * the max length, the longest batch (bytes and operations), as {@code long}s in that order.
     */
    public long[] counts()
    {
        return new long[]{applied, rejected, maxAppliedPosition, batchesOverMtu, valuesAtMax, largestBatchLength,
            largestBatchOperations};
    }

    /**
     * @return the highest position an APPLIED answer carried.
     */
    public long maxAppliedPosition()
    {
        return maxAppliedPosition;
    }

    /**
     * @return key to value (hex) of every acknowledged write, as the cluster must hold them.
     */
    public Map<Long, String> model()
    {
        return model;
    }
}
