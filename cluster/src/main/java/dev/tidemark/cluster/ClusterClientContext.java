/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.store.ArgumentChecks;
import org.agrona.BitUtil;
import org.agrona.concurrent.IdleStrategy;

/**
 * Settings of a {@link ClusteredStoreClient}: where the cluster is, the store's geometry, the window and the
 * timeouts. Read by {@link ClusteredStoreClient#connect(ClusterClientContext)}.
 */
public final class ClusterClientContext
{
    String ingressEndpoints;
    String ingressChannel = "aeron:udp?term-length=1m";
    String egressChannel = "aeron:udp?endpoint=localhost:0|term-length=1m";
    String aeronDirectoryName;
    int keyLength = Long.BYTES;
    int maxValueLength = -1;
    int maxBatchOperations = 1024;
    int window = ClusterRequestDescriptor.OUTCOME_WINDOW;
    int termLength = 1024 * 1024;
    long resendTimeoutNs = 1_000_000_000L;
    long requestTimeoutNs = 60_000_000_000L;
    long messageTimeoutNs = 5_000_000_000L;
    long connectTimeoutNs = 30_000_000_000L;
    ClusteredStoreListener listener;
    IdleStrategy idleStrategy = new org.agrona.concurrent.BackoffIdleStrategy();
    boolean concluded;

    /**
     * Check the settings once.
     *
     * @return this.
     * @throws IllegalArgumentException if one is missing or out of range.
     */
    public ClusterClientContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (null == ingressEndpoints || ingressEndpoints.isEmpty())
        {
            throw new IllegalArgumentException("ingressEndpoints must be set, e.g. 0=host0:20000,1=host1:21000");
        }
        if (maxValueLength < 0)
        {
            throw new IllegalArgumentException("maxValueLength must be given, as the members' store has it");
        }
        ArgumentChecks.checkKeyLength(keyLength);
        ArgumentChecks.checkMaxValueLength(maxValueLength);
        ArgumentChecks.checkPositive("maxBatchOperations", maxBatchOperations);
        if (window < 1 || window > ClusterRequestDescriptor.OUTCOME_WINDOW)
        {
            throw new IllegalArgumentException("window must be in [1, " + ClusterRequestDescriptor.OUTCOME_WINDOW +
                "]: window=" + window);
        }
        if (!BitUtil.isPowerOfTwo(termLength) || termLength < 1024 * 1024)
        {
            throw new IllegalArgumentException("termLength must be a power of two >= 1 MiB (a request of the " +
                "longest kind must fit an eighth of it): " + termLength);
        }
        if (requestTimeoutNs <= resendTimeoutNs || requestTimeoutNs > 300_000_000_000L)
        {
            throw new IllegalArgumentException("requestTimeoutNs must be above resendTimeoutNs and at most 300 s " +
                "(the service forgets silent clients after 10 minutes at the least): " + requestTimeoutNs);
        }
        concluded = true;
        return this;
    }

    /**
     * @param endpoints the members' ingress endpoints, {@code id=host:port,...}.
     * @return this.
     */
    public ClusterClientContext ingressEndpoints(final String endpoints)
    {
        this.ingressEndpoints = endpoints;
        return this;
    }

    /**
     * @param channel the ingress channel (default {@code aeron:udp?term-length=1m}; endpoints are added per
     *                member).
     * @return this.
     */
    public ClusterClientContext ingressChannel(final String channel)
    {
        this.ingressChannel = channel;
        return this;
    }

    /**
     * @param channel where answers come (default {@code aeron:udp?endpoint=localhost:0|term-length=1m}; on
     *                another host, this host's address).
     * @return this.
     */
    public ClusterClientContext egressChannel(final String channel)
    {
        this.egressChannel = channel;
        return this;
    }

    /**
     * @param dir a running media driver's directory; unset (the default), the client launches its own.
     * @return this.
     */
    public ClusterClientContext aeronDirectoryName(final String dir)
    {
        this.aeronDirectoryName = dir;
        return this;
    }

    /**
     * @param keyLength the store's key length (default 8).
     * @return this.
     */
    public ClusterClientContext keyLength(final int keyLength)
    {
        this.keyLength = keyLength;
        return this;
    }

    /**
     * @param maxValueLength the store's max value length (required).
     * @return this.
     */
    public ClusterClientContext maxValueLength(final int maxValueLength)
    {
        this.maxValueLength = maxValueLength;
        return this;
    }

    /**
     * @param maxBatchOperations most operations in a batch (default 1,024, the store's default).
     * @return this.
     */
    public ClusterClientContext maxBatchOperations(final int maxBatchOperations)
    {
        this.maxBatchOperations = maxBatchOperations;
        return this;
    }

    /**
     * @param window most requests unanswered at a time, at most the service's outcome window (the default).
     * @return this.
     */
    public ClusterClientContext window(final int window)
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
    public ClusterClientContext termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    /**
     * @param timeoutNs how long the oldest request may stay unanswered before it and those after it are sent
     *                  again (default 1 s).
     * @return this.
     */
    public ClusterClientContext resendTimeoutNs(final long timeoutNs)
    {
        this.resendTimeoutNs = timeoutNs;
        return this;
    }

    /**
     * @param timeoutNs how long a request may stay unanswered before the client gives up on it and every other
     *                  unanswered one (each told EXPIRED: applied or not, unknown) and takes a new client id (default
     *                  60 s; far below the service's client expiry, so a forgotten client never resends).
     * @return this.
     */
    public ClusterClientContext requestTimeoutNs(final long timeoutNs)
    {
        this.requestTimeoutNs = timeoutNs;
        return this;
    }

    /**
     * @param timeoutNs Aeron Cluster's message timeout for the session (default 5 s).
     * @return this.
     */
    public ClusterClientContext messageTimeoutNs(final long timeoutNs)
    {
        this.messageTimeoutNs = timeoutNs;
        return this;
    }

    /**
     * @param timeoutNs how long {@link ClusteredStoreClient#connect(ClusterClientContext)} waits for the first
     *                  session (default 30 s).
     * @return this.
     */
    public ClusterClientContext connectTimeoutNs(final long timeoutNs)
    {
        this.connectTimeoutNs = timeoutNs;
        return this;
    }

    /**
     * @return how long {@link ClusteredStoreClient#connect(ClusterClientContext)} waits for the first session.
     */
    public long connectTimeoutNs()
    {
        return connectTimeoutNs;
    }

    /**
     * @param listener told of each answer not sent to a future.
     * @return this.
     */
    public ClusterClientContext listener(final ClusteredStoreListener listener)
    {
        this.listener = listener;
        return this;
    }

    /**
     * @param idleStrategy for the waiting methods (default backoff).
     * @return this.
     */
    public ClusterClientContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }
}
