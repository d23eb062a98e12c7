/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.archive.ChangeMessageDescriptor;
import dev.tidemark.archive.ChangeMessageFlyweight;
import dev.tidemark.store.BatchDescriptor;
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
 * answered once a quorum committed it and the leader applied it, through a {@link Listener} (allocation free) or a
 * {@link CompletableFuture} (allocates). Survives a leader change and a lost session: every request not yet answered
 * is kept and sent again, to the new leader or on a new session, and the service answers a repeat with its first
 * outcome, so each request is applied exactly once, in the order it was made.
 * <p>
 * A request is numbered by this client (1, 2, 3, ...) and at most {@link Context#window()} are unanswered at a time:
 * {@link #put} and the rest return {@link #WINDOW_FULL} beyond it, and the caller polls and tries again. Nothing is
 * sent or answered except inside {@link #poll()}: call it from the thread that makes the requests (one thread).
 * <p>
 * The client's id is random unless given; a client that reconnects keeps it. The service forgets the client seen
 * longest ago when it remembers {@code maxClients}; a forgotten client's unanswered requests fail with
 * {@link ClusterResponseDescriptor#EXPIRED} (they may or may not have been applied) and the client starts again under a
 * new id.
 */
public final class ClusteredStoreClient implements AutoCloseable, EgressListener
{
    /**
     * Returned by the request methods when {@link Context#window()} requests are unanswered.
     */
    public static final long WINDOW_FULL = -1;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final long KEEP_ALIVE_INTERVAL_NS = 1_000_000_000L;
    private static final long RECONNECT_BACKOFF_NS = 100_000_000L;

    /**
     * Told of each request's answer, inside {@link #poll()}.
     */
    public interface Listener
    {
        /**
         * The request was committed by a quorum and applied.
         *
         * @param requestId the request.
         * @param position  the cluster log position just after it.
         */
        void onApplied(long requestId, long position);

        /**
         * The request was refused (nothing changed) or its outcome is not known ({@code EXPIRED}).
         *
         * @param requestId the request.
         * @param status    {@link ClusterResponseDescriptor#TABLE_FULL}, {@code INVALID} or {@code EXPIRED}.
         * @param reason    what the service said.
         */
        void onRejected(long requestId, int status, String reason);
    }

    /**
     * A refusal, as a future's exception.
     */
    public static final class RejectedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final int status;

        RejectedException(final int status, final String reason)
        {
            super(statusName(status) + ": " + reason);
            this.status = status;
        }

        /**
         * @return the status.
         */
        public int status()
        {
            return status;
        }
    }

    private final Context ctx;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final StoreBatch batch;
    private final StoreBatch ownBatch;
    private final ChangeMessageFlyweight message;
    private final ExpandableDirectByteBuffer[] requests;
    private final int[] lengths;
    private final long[] sentNs;
    private final boolean[] answered;
    private final CompletableFuture<?>[] futures;
    private final UnsafeBuffer reasonBytes = new UnsafeBuffer(new byte[MAX_REASON_LENGTH]);
    private final int window;

    private AeronCluster cluster;
    private AeronCluster.AsyncConnect connecting;
    private long clientId;
    private long nextRequestId = 1;
    private long oldestUnanswered = 1;
    private long nextToSend = 1;
    private long lastKeepAliveNs;
    private long nextConnectNs;
    private long reconnects;
    private long resends;
    private boolean closed;

    private ClusteredStoreClient(final Context ctx)
    {
        this.ctx = ctx;
        this.window = ctx.window;
        this.clientId = 0 != ctx.clientId ? ctx.clientId : newClientId();
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
        final int maxLength = maxRequestLength(ctx.keyLength, ctx.maxValueLength, ctx.maxBatchOperations);
        this.message = new ChangeMessageFlyweight(maxLength);
        this.requests = new ExpandableDirectByteBuffer[window];
        this.lengths = new int[window];
        this.sentNs = new long[window];
        this.answered = new boolean[window];
        this.futures = new CompletableFuture<?>[window];
        for (int i = 0; i < window; i++)
        {
            requests[i] = new ExpandableDirectByteBuffer(256);
        }
    }

    /**
     * Connect to a cluster, waiting up to {@link Context#connectTimeoutNs()} for the first session.
     *
     * @param ctx settings.
     * @return a connected client.
     * @throws IllegalArgumentException if a setting is missing or out of range.
     * @throws IllegalStateException    if no session was made in time.
     */
    public static ClusteredStoreClient connect(final Context ctx)
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
                client.idle(client.poll());
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
     * The longest request for a store of these settings: the envelope, a change message header and the longest
     * batch.
     *
     * @param keyLength      key length.
     * @param maxValueLength max value length.
     * @param maxOperations  most operations in a batch.
     * @return bytes.
     */
    public static int maxRequestLength(final int keyLength, final int maxValueLength, final int maxOperations)
    {
        final long length = ClusterRequestDescriptor.MIN_LENGTH + (long)maxOperations *
            BatchDescriptor.operationLength(keyLength, BatchDescriptor.PUT, maxValueLength);
        if (length > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("requests would be too long: length=" + length);
        }
        return (int)length;
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
     * @return completed with the log position, or exceptionally with a {@link RejectedException}; null if the window
     * is full.
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
     * @return completed with the log position, or exceptionally with a {@link RejectedException}; null if the window
     * is full.
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
        if (oldestUnanswered < nextToSend && nowNs - sentNs[slot(oldestUnanswered)] > ctx.resendTimeoutNs)
        {
            nextToSend = oldestUnanswered; // an answer or a request was lost: the service answers repeats alike
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
            idle(poll());
        }
        return true;
    }

    /**
     * @param requestId a request of this client.
     * @return true once it has been answered.
     */
    public boolean isAnswered(final long requestId)
    {
        return requestId < oldestUnanswered || (requestId < nextRequestId && answered[slot(requestId)]);
    }

    /**
     * @return requests made and not yet answered.
     */
    public int unanswered()
    {
        int count = 0;
        for (long id = oldestUnanswered; id < nextRequestId; id++)
        {
            count += answered[slot(id)] ? 0 : 1;
        }
        return count;
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
        final long requestId = buffer.getLong(offset + REQUEST_ID_OFFSET, ORDER);
        final long position = buffer.getLong(offset + POSITION_OFFSET, ORDER);
        if (requestId < oldestUnanswered || requestId >= nextRequestId || answered[slot(requestId)])
        {
            return; // an answer to a repeat already answered
        }
        if (OUT_OF_ORDER == status)
        {
            if (position >= oldestUnanswered && position < nextToSend)
            {
                nextToSend = position;
                resends++;
            }
            else if (position < oldestUnanswered)
            {
                forgotten();
            }
            return;
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
        nextToSend = oldestUnanswered;
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
        final long requestId = nextRequestId;
        final int slot = slot(requestId);
        final ExpandableDirectByteBuffer request = requests[slot];
        final int length = ClusterRequestDescriptor.MESSAGE_OFFSET + ChangeMessageDescriptor.HEADER_LENGTH +
            operations.length();
        request.checkLimit(length);
        request.putInt(ClusterRequestDescriptor.TYPE_OFFSET, ClusterRequestDescriptor.TYPE, ORDER);
        request.putInt(ClusterRequestDescriptor.RESERVED_OFFSET, 0, ORDER);
        request.putLong(ClusterRequestDescriptor.CLIENT_ID_OFFSET, clientId, ORDER);
        final int messageOffset = ClusterRequestDescriptor.MESSAGE_OFFSET;
        request.putBytes(messageOffset + ChangeMessageDescriptor.OPERATIONS_OFFSET, operations.buffer(),
            operations.offset(), operations.length());
        message.wrapForWrite(request, messageOffset, length - messageOffset)
            .writeHeader(requestId, operations.operationCount(), operations.length())
            .seal();
        lengths[slot] = length;
        answered[slot] = false;
        futures[slot] = future;
        sentNs[slot] = System.nanoTime();
        nextRequestId++;
        return requestId;
    }

    private int send(final long nowNs)
    {
        int sent = 0;
        while (nextToSend < nextRequestId)
        {
            final int slot = slot(nextToSend);
            if (!answered[slot])
            {
                final long result = cluster.offer(requests[slot], 0, lengths[slot]);
                if (result < 0)
                {
                    break;
                }
                sentNs[slot] = nowNs;
                sent++;
            }
            nextToSend++;
        }
        return sent;
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
            if (nextRequestId > 1 || reconnects > 0 || null != cluster)
            {
                reconnects++;
            }
            cluster = connected;
            nextToSend = oldestUnanswered;
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

    @SuppressWarnings("unchecked")
    private void complete(final long requestId, final int status, final long position, final String reason)
    {
        final int slot = slot(requestId);
        answered[slot] = true;
        final CompletableFuture<Long> future = (CompletableFuture<Long>)futures[slot];
        futures[slot] = null;
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
            future.completeExceptionally(new RejectedException(status, reason));
        }
        else if (null != ctx.listener)
        {
            ctx.listener.onRejected(requestId, status, reason);
        }
        while (oldestUnanswered < nextRequestId && answered[slot(oldestUnanswered)])
        {
            oldestUnanswered++;
        }
        if (nextToSend < oldestUnanswered)
        {
            nextToSend = oldestUnanswered;
        }
    }

    private void forgotten()
    {
        final long last = nextRequestId;
        for (long id = oldestUnanswered; id < last; id++)
        {
            if (!answered[slot(id)])
            {
                complete(id, EXPIRED, 0, "the service no longer remembers client " + clientId +
                    "; the request may or may not have been applied");
            }
        }
        clientId = newClientId();
        nextRequestId = 1;
        oldestUnanswered = 1;
        nextToSend = 1;
    }

    private String reason(final DirectBuffer buffer, final int offset, final int length)
    {
        buffer.getBytes(offset + REASON_OFFSET, reasonBytes, 0, length);
        return new String(reasonBytes.byteArray(), 0, length, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private boolean isWindowFull()
    {
        checkOpen();
        return nextRequestId - oldestUnanswered >= window;
    }

    private int slot(final long requestId)
    {
        return (int)(requestId % window);
    }

    private void idle(final int work)
    {
        ctx.idleStrategy.idle(work);
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

    /**
     * Settings of a {@link ClusteredStoreClient}.
     */
    public static final class Context
    {
        private String ingressEndpoints;
        private String ingressChannel = "aeron:udp";
        private String egressChannel = "aeron:udp?endpoint=localhost:0";
        private String aeronDirectoryName;
        private int keyLength = Long.BYTES;
        private int maxValueLength = -1;
        private int maxBatchOperations = 1024;
        private int window = ClusterRequestDescriptor.OUTCOME_WINDOW;
        private int termLength = 1024 * 1024;
        private long clientId;
        private long resendTimeoutNs = 1_000_000_000L;
        private long messageTimeoutNs = 5_000_000_000L;
        private long connectTimeoutNs = 30_000_000_000L;
        private Listener listener;
        private IdleStrategy idleStrategy = new org.agrona.concurrent.BackoffIdleStrategy();
        private boolean concluded;

        /**
         * Check the settings once.
         *
         * @return this.
         * @throws IllegalArgumentException if one is missing or out of range.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (null == ingressEndpoints || ingressEndpoints.isEmpty())
            {
                throw new IllegalArgumentException("ingressEndpoints must be set, e.g. 0=host0:20000,1=host1:21000");
            }
            if (keyLength < 1 || maxValueLength < 0 || maxBatchOperations < 1)
            {
                throw new IllegalArgumentException("the store's settings must be given: keyLength=" + keyLength +
                    " maxValueLength=" + maxValueLength + " maxBatchOperations=" + maxBatchOperations);
            }
            if (window < 1 || window > ClusterRequestDescriptor.OUTCOME_WINDOW)
            {
                throw new IllegalArgumentException("window must be in [1, " + ClusterRequestDescriptor.OUTCOME_WINDOW +
                    "]: window=" + window);
            }
            if (!BitUtil.isPowerOfTwo(termLength) || termLength < 64 * 1024)
            {
                throw new IllegalArgumentException("termLength must be a power of two >= 64 KiB: " + termLength);
            }
            concluded = true;
            return this;
        }

        /**
         * @param endpoints the members' ingress endpoints, {@code id=host:port,...}.
         * @return this.
         */
        public Context ingressEndpoints(final String endpoints)
        {
            this.ingressEndpoints = endpoints;
            return this;
        }

        /**
         * @param channel the ingress channel (default {@code aeron:udp}; endpoints are added per member).
         * @return this.
         */
        public Context ingressChannel(final String channel)
        {
            this.ingressChannel = channel;
            return this;
        }

        /**
         * @param channel where answers come (default {@code aeron:udp?endpoint=localhost:0}; on another host, this
         *                host's address).
         * @return this.
         */
        public Context egressChannel(final String channel)
        {
            this.egressChannel = channel;
            return this;
        }

        /**
         * @param dir a running media driver's directory; unset (the default), the client launches its own.
         * @return this.
         */
        public Context aeronDirectoryName(final String dir)
        {
            this.aeronDirectoryName = dir;
            return this;
        }

        /**
         * @param keyLength the store's key length (default 8).
         * @return this.
         */
        public Context keyLength(final int keyLength)
        {
            this.keyLength = keyLength;
            return this;
        }

        /**
         * @param maxValueLength the store's max value length (required).
         * @return this.
         */
        public Context maxValueLength(final int maxValueLength)
        {
            this.maxValueLength = maxValueLength;
            return this;
        }

        /**
         * @param maxBatchOperations most operations in a batch (default 1,024, the store's default).
         * @return this.
         */
        public Context maxBatchOperations(final int maxBatchOperations)
        {
            this.maxBatchOperations = maxBatchOperations;
            return this;
        }

        /**
         * @param window most requests unanswered at a time, at most the service's outcome window (the default).
         * @return this.
         */
        public Context window(final int window)
        {
            this.window = window;
            return this;
        }

        /**
         * @return most requests unanswered at a time.
         */
        public int window()
        {
            return window;
        }

        /**
         * @param termLength the ingress term length of the client's own driver (default 1 MiB).
         * @return this.
         */
        public Context termLength(final int termLength)
        {
            this.termLength = termLength;
            return this;
        }

        /**
         * @param clientId this client's id (non-zero); unset, a random one.
         * @return this.
         */
        public Context clientId(final long clientId)
        {
            this.clientId = clientId;
            return this;
        }

        /**
         * @param timeoutNs how long the oldest request may stay unanswered before it and those after it are sent
         *                  again (default 1 s).
         * @return this.
         */
        public Context resendTimeoutNs(final long timeoutNs)
        {
            this.resendTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @param timeoutNs Aeron Cluster's message timeout for the session (default 5 s).
         * @return this.
         */
        public Context messageTimeoutNs(final long timeoutNs)
        {
            this.messageTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @param timeoutNs how long {@link #connect(Context)} waits for the first session (default 30 s).
         * @return this.
         */
        public Context connectTimeoutNs(final long timeoutNs)
        {
            this.connectTimeoutNs = timeoutNs;
            return this;
        }

        /**
         * @return how long {@link #connect(Context)} waits for the first session.
         */
        public long connectTimeoutNs()
        {
            return connectTimeoutNs;
        }

        /**
         * @param listener told of each answer not sent to a future.
         * @return this.
         */
        public Context listener(final Listener listener)
        {
            this.listener = listener;
            return this;
        }

        /**
         * @param idleStrategy for the waiting methods (default backoff).
         * @return this.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }
    }
}
