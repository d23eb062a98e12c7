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
 * {@code nextToSend} have been offered on the current session. The ids the caller sees only grow; on the wire a
 * request carries {@code id - base}, which starts at 1 for each client id the client takes. Client thread only.
 */
final class RequestWindow
{
    private final int size;
    private final ExpandableDirectByteBuffer[] requests;
    private final int[] lengths;
    private final long[] sentNs;
    private final long[] enqueuedNs;
    private final boolean[] answered;
    private final CompletableFuture<?>[] futures;
    private final long[] forgottenIds;
    private final CompletableFuture<?>[] forgottenFutures;
    long base;
    long next = 1;
    long oldest = 1;
    long nextToSend = 1;

    RequestWindow(final int size)
    {
        this.size = size;
        requests = new ExpandableDirectByteBuffer[size];
        lengths = new int[size];
        sentNs = new long[size];
        enqueuedNs = new long[size];
        answered = new boolean[size];
        futures = new CompletableFuture<?>[size];
        forgottenIds = new long[size];
        forgottenFutures = new CompletableFuture<?>[size];
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
        enqueuedNs[slot] = nowNs;
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
     * @return true if the oldest unanswered request was made longer ago than the timeout.
     */
    boolean isOldestOlderThan(final long nowNs, final long timeoutNs)
    {
        return oldest < next && nowNs - enqueuedNs[slot(oldest)] > timeoutNs;
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
     * Give up on every unanswered request and number the next from 1 on the wire (the client takes a new id). The
     * requests given up are left in {@link #forgottenId(int)} and {@link #forgottenFuture(int)}, to be told after
     * the window is already in its new state, so a request made while they are told is kept.
     *
     * @return how many were given up.
     */
    int forgetAll()
    {
        int count = 0;
        for (long id = oldest; id < next; id++)
        {
            final int slot = slot(id);
            if (!answered[slot])
            {
                forgottenIds[count] = id;
                forgottenFutures[count] = futures[slot];
                count++;
                answered[slot] = true;
                futures[slot] = null;
            }
        }
        base = next - 1;
        oldest = next;
        nextToSend = next;
        return count;
    }

    long forgottenId(final int index)
    {
        return forgottenIds[index];
    }

    CompletableFuture<?> forgottenFuture(final int index)
    {
        final CompletableFuture<?> future = forgottenFutures[index];
        forgottenFutures[index] = null;
        return future;
    }

    private int slot(final long id)
    {
        return (int)(id % size);
    }
}
