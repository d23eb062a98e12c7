/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import io.aeron.cluster.client.AeronCluster;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.concurrent.CompletableFuture;

/**
 * A client's requests from the oldest unanswered to the newest made, each kept encoded until answered so it can be
 * sent again: ids {@code [oldest, next)}, at most {@code size} of them, in a ring by {@code id % size}. Ids below
 * {@code nextToSend} have been offered on the current session. Client thread only.
 */
final class RequestWindow
{
    private final int size;
    private final ExpandableDirectByteBuffer[] requests;
    private final int[] lengths;
    private final long[] sentNs;
    private final boolean[] answered;
    private final CompletableFuture<?>[] futures;
    long next = 1;
    long oldest = 1;
    long nextToSend = 1;

    RequestWindow(final int size)
    {
        this.size = size;
        requests = new ExpandableDirectByteBuffer[size];
        lengths = new int[size];
        sentNs = new long[size];
        answered = new boolean[size];
        futures = new CompletableFuture<?>[size];
        for (int i = 0; i < size; i++)
        {
            requests[i] = new ExpandableDirectByteBuffer(256);
        }
    }

    boolean isFull()
    {
        return next - oldest >= size;
    }

    /**
     * @return the buffer to encode request {@link #next} into, room for {@code length} bytes made.
     */
    ExpandableDirectByteBuffer claim(final int length)
    {
        final ExpandableDirectByteBuffer request = requests[slot(next)];
        request.checkLimit(length);
        return request;
    }

    /**
     * Request {@link #next} is encoded: keep it until answered.
     */
    long commit(final int length, final CompletableFuture<?> future, final long nowNs)
    {
        final int slot = slot(next);
        lengths[slot] = length;
        answered[slot] = false;
        futures[slot] = future;
        sentNs[slot] = nowNs;
        return next++;
    }

    /**
     * Offer what is not yet sent on this session, in id order, until the session pushes back.
     */
    int send(final AeronCluster cluster, final long nowNs)
    {
        int sent = 0;
        while (nextToSend < next)
        {
            final int slot = slot(nextToSend);
            if (!answered[slot])
            {
                if (cluster.offer(requests[slot], 0, lengths[slot]) < 0)
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

    /**
     * @return true if the oldest unanswered request was sent longer ago than the timeout.
     */
    boolean isOldestOverdue(final long nowNs, final long timeoutNs)
    {
        return oldest < nextToSend && nowNs - sentNs[slot(oldest)] > timeoutNs;
    }

    /**
     * Send again from this id (the oldest unanswered if lower ids are answered).
     */
    void resendFrom(final long id)
    {
        nextToSend = Math.max(oldest, Math.min(id, nextToSend));
    }

    boolean isUnanswered(final long id)
    {
        return id >= oldest && id < next && !answered[slot(id)];
    }

    boolean isAnswered(final long id)
    {
        return id < oldest || (id < next && answered[slot(id)]);
    }

    int unanswered()
    {
        int count = 0;
        for (long id = oldest; id < next; id++)
        {
            count += answered[slot(id)] ? 0 : 1;
        }
        return count;
    }

    /**
     * Mark an unanswered request answered, move the oldest past every answered one.
     *
     * @return its future, or null.
     */
    CompletableFuture<?> answer(final long id)
    {
        final int slot = slot(id);
        answered[slot] = true;
        final CompletableFuture<?> future = futures[slot];
        futures[slot] = null;
        while (oldest < next && answered[slot(oldest)])
        {
            oldest++;
        }
        if (nextToSend < oldest)
        {
            nextToSend = oldest;
        }
        return future;
    }

    /**
     * Start numbering again at 1, every request answered (a new client id).
     */
    void restart()
    {
        next = 1;
        oldest = 1;
        nextToSend = 1;
    }

    private int slot(final long id)
    {
        return (int)(id % size);
    }
}
