/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.archive.ChangeMessageDescriptor;
import dev.tidemark.archive.ChangeMessageFlyweight;
import dev.tidemark.store.StoreBatch;
import io.aeron.Aeron;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;

import static dev.tidemark.cluster.ClusterResponseDescriptor.*;

/**
 * A client of a {@link ClusteredStoreService} cluster: puts, removes and atomic batches sent as cluster ingress, each
 * answered once a quorum committed it and the leader applied it, through a {@link ClusteredStoreListener} (allocation
 * free) or a {@link CompletableFuture} (allocates). Survives a leader change and a lost session: every request not yet
 * answered is kept and sent again, to the new leader or on a new session, and the service answers a repeat with its
 * first outcome, so each request is applied exactly once, in the order it was made.
 * <p>
 * A request is numbered by this client (1, 2, 3, ...) and at most {@link ClusterClientContext#window()} are
 * unanswered at a time: {@link #put} and the rest return {@link #WINDOW_FULL} beyond it, and the caller polls and
 * tries again. Nothing is sent or answered except inside {@link #poll()}: call it from the thread that makes the
 * requests (one thread).
 * <p>
 * The client's id is random unless given; a client that reconnects keeps it. The service forgets the client seen
 * longest ago when it remembers {@code maxClients}; a forgotten client's unanswered requests fail with
 * {@link ClusterResponseDescriptor#EXPIRED} (they may or may not have been applied) and the client starts again under a
 * new id.
 */
public final class ClusteredStoreClient implements AutoCloseable, EgressListener
{
    /**
     * Returned by the request methods when {@link ClusterClientContext#window()} requests are unanswered.
     */
    public static final long WINDOW_FULL = -1;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final long KEEP_ALIVE_INTERVAL_NS = 1_000_000_000L;
    private static final long RECONNECT_BACKOFF_NS = 100_000_000L;

    private final ClusterClientContext ctx;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final StoreBatch batch;
    private final StoreBatch ownBatch;
    private final ChangeMessageFlyweight message;
    private final RequestWindow requests;
    private final ExpandableDirectByteBuffer staging = new ExpandableDirectByteBuffer(256); // one CRC view, no garbage
    private final UnsafeBuffer reasonBytes = new UnsafeBuffer(new byte[MAX_REASON_LENGTH]);

    private AeronCluster cluster;
    private AeronCluster.AsyncConnect connecting;
    private long clientId;
    private long lastKeepAliveNs;
    private long nextConnectNs;
    private long reconnects;
    private long resends;
    private boolean closed;
    private boolean connectedBefore;

    private ClusteredStoreClient(final ClusterClientContext ctx)
    {
        this.ctx = ctx;
        this.clientId = newClientId();
        MediaDriver launched = null;
        Aeron client = null;
        try
        {
            String dir = ctx.aeronDirectoryName;
            if (null == dir)
            {
                launched = MediaDriver.launchEmbedded(new MediaDriver.Context()
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new org.agrona.concurrent.BackoffIdleStrategy())
                    .termBufferSparseFile(true)
                    .ipcTermBufferLength(64 * 1024)
                    .publicationTermBufferLength(ctx.termLength)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true));
                dir = launched.aeronDirectoryName();
            }
            client = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(client, launched);
            throw ex;
        }
        this.driver = launched;
        this.aeron = client;
        this.batch = StoreBatch.forGeometry(ctx.keyLength, ctx.maxValueLength, ctx.maxBatchOperations);
        this.ownBatch = StoreBatch.forGeometry(ctx.keyLength, ctx.maxValueLength, ctx.maxBatchOperations);
        this.message = new ChangeMessageFlyweight(ClusterRequestDescriptor.MAX_LENGTH);
        this.requests = new RequestWindow(ctx.window);
    }

    /**
     * Connect to a cluster, waiting up to {@link ClusterClientContext#connectTimeoutNs()} for the first session.
     *
     * @param ctx settings.
     * @return a connected client.
     * @throws IllegalArgumentException if a setting is missing or out of range.
     * @throws IllegalStateException    if no session was made in time.
     */
    public static ClusteredStoreClient connect(final ClusterClientContext ctx)
    {
        ctx.conclude();
        final ClusteredStoreClient client = new ClusteredStoreClient(ctx);
        try
        {
            final long deadline = System.nanoTime() + ctx.connectTimeoutNs;
            while (!client.isConnected())
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("no cluster session within " + ctx.connectTimeoutNs / 1_000_000 +
                        " ms: ingressEndpoints=" + ctx.ingressEndpoints);
                }
                ctx.idleStrategy.idle(client.poll());
            }
            return client;
        }
        catch (final RuntimeException ex)
        {
            client.close();
            throw ex;
        }
    }

    /**
     * @return a batch of this client's settings, empty, to fill and {@link #apply(StoreBatch)}; reused by each call.
     */
    public StoreBatch newBatch()
    {
        return batch.clear();
    }

    /**
     * Put a value under a long key.
     *
     * @param key         the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value, at most the store's max value length.
     * @return the request id, or {@link #WINDOW_FULL}.
     * @throws IllegalArgumentException if the key or value does not fit the store's settings.
     */
    public long put(final long key, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        if (isWindowFull())
        {
            return WINDOW_FULL;
        }
        ownBatch.clear().put(key, value, valueOffset, valueLength);
        return enqueue(ownBatch, null);
    }

    /**
     * Remove a long key.
     *
     * @param key the key.
     * @return the request id, or {@link #WINDOW_FULL}.
     */
    public long remove(final long key)
    {
        if (isWindowFull())
        {
            return WINDOW_FULL;
        }
        ownBatch.clear().remove(key);
        return enqueue(ownBatch, null);
    }

    /**
     * Apply a batch atomically: every member applies all of it or none.
     *
     * @param batch operations, made by {@link #newBatch()} (or {@link StoreBatch#forGeometry} of the same settings).
     * @return the request id, or {@link #WINDOW_FULL}.
     * @throws IllegalArgumentException if the batch is empty.
     */
    public long apply(final StoreBatch batch)
    {
        if (isWindowFull())
        {
            return WINDOW_FULL;
        }
        return enqueue(batch, null);
    }

    /**
     * Put, answered through a future (allocates).
     *
     * @param key         the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value.
     * @return completed with the log position, or exceptionally with a {@link ClusterRejectedException}; null if the
     * window is full.
     */
    public CompletableFuture<Long> putAsync(
        final long key, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        if (isWindowFull())
        {
            return null;
        }
        ownBatch.clear().put(key, value, valueOffset, valueLength);
        final CompletableFuture<Long> future = new CompletableFuture<>();
        enqueue(ownBatch, future);
        return future;
    }

    /**
     * Apply a batch, answered through a future (allocates).
     *
     * @param batch operations.
     * @return completed with the log position, or exceptionally with a {@link ClusterRejectedException}; null if the
     * window is full.
     */
    public CompletableFuture<Long> applyAsync(final StoreBatch batch)
    {
        if (isWindowFull())
        {
            return null;
        }
        final CompletableFuture<Long> future = new CompletableFuture<>();
        enqueue(batch, future);
        return future;
    }

    /**
     * Send what is waiting, read answers, keep the session alive, and reconnect if it was lost.
     *
     * @return work done (0 when idle).
     */
    public int poll()
    {
        checkOpen();
        int work = 0;
        final long nowNs = System.nanoTime();
        if (null == cluster)
        {
            work += connect(nowNs);
            if (null == cluster)
            {
                return work;
            }
        }
        work += cluster.pollEgress();
        if (cluster.isClosed())
        {
            CloseHelper.quietClose(cluster);
            cluster = null;
            nextConnectNs = nowNs;
            return work + 1;
        }
        work += send(nowNs);
        if (requests.isOldestOlderThan(nowNs, ctx.requestTimeoutNs))
        {
            forgotten("no answer within " + ctx.requestTimeoutNs / 1_000_000 + " ms");
        }
        if (requests.isOldestOverdue(nowNs, ctx.resendTimeoutNs))
        {
            requests.resendFrom(requests.oldest); // an answer or a request was lost: repeats are answered alike
            resends++;
        }
        if (nowNs - lastKeepAliveNs > KEEP_ALIVE_INTERVAL_NS && cluster.sendKeepAlive())
        {
            lastKeepAliveNs = nowNs;
        }
        return work;
    }

    /**
     * Poll until a request is answered.
     *
     * @param requestId a request of this client.
     * @param timeoutNs how long to wait.
     * @return true if answered, false on timeout.
     */
    public boolean awaitAnswered(final long requestId, final long timeoutNs)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (!isAnswered(requestId))
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            ctx.idleStrategy.idle(poll());
        }
        return true;
    }

    /**
     * @param requestId a request of this client.
     * @return true once it has been answered.
     */
    public boolean isAnswered(final long requestId)
    {
        return requests.isAnswered(requestId);
    }

    /**
     * @return requests made and not yet answered.
     */
    public int unanswered()
    {
        return requests.unanswered();
    }

    /**
     * @return true while a session is open.
     */
    public boolean isConnected()
    {
        return null != cluster && !cluster.isClosed();
    }

    /**
     * @return the leader's member id as last told, or -1 while not connected.
     */
    public int leaderMemberId()
    {
        return null == cluster ? -1 : cluster.leaderMemberId();
    }

    /**
     * @return this client's id.
     */
    public long clientId()
    {
        return clientId;
    }

    /**
     * @return sessions made after the first.
     */
    public long reconnects()
    {
        return reconnects;
    }

    /**
     * @return times the unanswered requests were sent again (leader change, new session, lost answer).
     */
    public long resends()
    {
        return resends;
    }

    /**
     * Close the session, the Aeron client and the client's own media driver. Requests not answered stay unknown.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.quietCloseAll(connecting, cluster, aeron, driver);
        }
    }

    // ------------------------------------------------------------------------------------------------ egress

    /**
     * {@inheritDoc}
     */
    public void onMessage(
        final long clusterSessionId,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        if (length < REASON_OFFSET || ClusterResponseDescriptor.TYPE != buffer.getInt(offset + TYPE_OFFSET, ORDER) ||
            clientId != buffer.getLong(offset + CLIENT_ID_OFFSET, ORDER))
        {
            return;
        }
        final int status = buffer.getInt(offset + STATUS_OFFSET, ORDER);
        final long requestId = buffer.getLong(offset + REQUEST_ID_OFFSET, ORDER) + requests.base;
        final long position = buffer.getLong(offset + POSITION_OFFSET, ORDER);
        if (!requests.isUnanswered(requestId))
        {
            return; // an answer to a repeat already answered, or to a request given up
        }
        if (OUT_OF_ORDER == status || UNKNOWN_CLIENT == status)
        {
            final long expected = position + requests.base;
            if (UNKNOWN_CLIENT == status && requests.oldest > requests.base + 1)
            {
                // Requests of this id were answered before, so the service forgot the client: what is unanswered
                // may or may not have been applied.
                forgotten("the service no longer remembers client " + clientId);
            }
            else if (expected >= requests.oldest && expected < requests.nextToSend)
            {
                requests.resendFrom(expected);
                resends++;
            }
            return; // a stale answer (the expected id already answered) changes nothing
        }
        final int reasonLength = Math.min(Math.max(0, buffer.getInt(offset + REASON_LENGTH_OFFSET, ORDER)),
            Math.min(MAX_REASON_LENGTH, length - REASON_OFFSET));
        complete(requestId, status, position, reasonLength > 0 ? reason(buffer, offset, reasonLength) : null);
    }

    /**
     * {@inheritDoc}
     */
    public void onNewLeader(
        final long clusterSessionId, final long leadershipTermId, final int leaderMemberId, final String endpoints)
    {
        // What the old leader had not committed may be lost: send every unanswered request again.
        requests.resendFrom(requests.oldest);
        resends++;
    }

    // ------------------------------------------------------------------------------------------------ internals

    private long enqueue(final StoreBatch operations, final CompletableFuture<?> future)
    {
        checkOpen();
        if (operations.operationCount() < 1)
        {
            throw new IllegalArgumentException("empty batch: nothing to apply");
        }
        final long requestId = requests.next;
        final int length = ClusterRequestDescriptor.MESSAGE_OFFSET + ChangeMessageDescriptor.HEADER_LENGTH +
            operations.length();
        if (length > ClusterRequestDescriptor.MAX_LENGTH)
        {
            throw new IllegalArgumentException("request too long: length=" + length + " max=" +
                ClusterRequestDescriptor.MAX_LENGTH + " (split the batch)");
        }
        final ExpandableDirectByteBuffer request = staging;
        request.checkLimit(length);
        request.putInt(ClusterRequestDescriptor.TYPE_OFFSET, ClusterRequestDescriptor.TYPE, ORDER);
        request.putInt(ClusterRequestDescriptor.RESERVED_OFFSET, 0, ORDER);
        request.putLong(ClusterRequestDescriptor.CLIENT_ID_OFFSET, clientId, ORDER);
        final int messageOffset = ClusterRequestDescriptor.MESSAGE_OFFSET;
        request.putBytes(messageOffset + ChangeMessageDescriptor.OPERATIONS_OFFSET, operations.buffer(),
            operations.offset(), operations.length());
        message.wrapForWrite(request, messageOffset, length - messageOffset)
            .writeHeader(requestId - requests.base, operations.operationCount(), operations.length())
            .seal();
        requests.claim(length).putBytes(0, request, 0, length);
        requests.commit(length, future, System.nanoTime());
        return requestId;
    }

    private int send(final long nowNs)
    {
        return requests.send(cluster, nowNs);
    }

    private int connect(final long nowNs)
    {
        if (null == connecting)
        {
            if (nowNs - nextConnectNs < 0)
            {
                return 0;
            }
            connecting = AeronCluster.asyncConnect(new AeronCluster.Context()
                .aeron(aeron)
                .ownsAeronClient(false)
                .ingressChannel(ctx.ingressChannel)
                .ingressEndpoints(ctx.ingressEndpoints)
                .egressChannel(ctx.egressChannel)
                .messageTimeoutNs(ctx.messageTimeoutNs)
                .egressListener(this));
        }
        try
        {
            final AeronCluster connected = connecting.poll();
            if (null == connected)
            {
                return 0;
            }
            connecting = null;
            if (connectedBefore)
            {
                reconnects++;
            }
            connectedBefore = true;
            cluster = connected;
            requests.nextToSend = requests.oldest; // a new session: send every unanswered request again
            lastKeepAliveNs = nowNs;
            return 1;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(connecting);
            connecting = null;
            nextConnectNs = nowNs + RECONNECT_BACKOFF_NS; // no leader yet (an election): try again shortly
            return 1;
        }
    }

    private void complete(final long requestId, final int status, final long position, final String reason)
    {
        tell(requestId, requests.answer(requestId), status, position, reason);
    }

    @SuppressWarnings("unchecked")
    private void tell(
        final long requestId, final CompletableFuture<?> answer, final int status, final long position,
        final String reason)
    {
        final CompletableFuture<Long> future = (CompletableFuture<Long>)answer;
        if (APPLIED == status)
        {
            if (null != future)
            {
                future.complete(position);
            }
            else if (null != ctx.listener)
            {
                ctx.listener.onApplied(requestId, position);
            }
        }
        else if (null != future)
        {
            future.completeExceptionally(new ClusterRejectedException(status, reason));
        }
        else if (null != ctx.listener)
        {
            ctx.listener.onRejected(requestId, status, reason);
        }
    }

    private void forgotten(final String why)
    {
        final long oldId = clientId;
        clientId = newClientId(); // first: a request made while the listener is told goes out under the new id
        final int count = requests.forgetAll();
        final String reason = why + " (client " + oldId + "); the request may or may not have been applied";
        for (int i = 0; i < count; i++)
        {
            tell(requests.forgottenId(i), requests.forgottenFuture(i), EXPIRED, 0, reason);
        }
    }

    private String reason(final DirectBuffer buffer, final int offset, final int length)
    {
        buffer.getBytes(offset + REASON_OFFSET, reasonBytes, 0, length);
        return new String(reasonBytes.byteArray(), 0, length, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private boolean isWindowFull()
    {
        checkOpen();
        return requests.isFull();
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("client closed: clientId=" + clientId);
        }
    }

    private static long newClientId()
    {
        final SecureRandom random = new SecureRandom();
        long id;
        do
        {
            id = random.nextLong() & Long.MAX_VALUE;
        }
        while (0 == id);
        return id;
    }
}
