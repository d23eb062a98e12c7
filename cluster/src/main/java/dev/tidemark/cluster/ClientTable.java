/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import org.agrona.collections.Long2LongHashMap;

import static dev.tidemark.cluster.ClusterRequestDescriptor.OUTCOME_WINDOW;

/**
 * What the service remembers of each client, so a request repeated after a failover is answered, never applied
 * twice: the last request id processed, when the client was last seen (cluster time, so every member agrees), and
 * the outcomes of its last {@link ClusterRequestDescriptor#OUTCOME_WINDOW} requests. Part of the replicated state:
 * changed only by log messages and snapshot loads, in log order, and written into every snapshot.
 * <p>
 * When {@code maxClients} are remembered, a new client replaces the one seen longest ago (ties: the lowest slot), a
 * choice every member makes alike, and only if that one has been silent longer than the service's client expiry;
 * otherwise the new client is refused. A replaced client that comes back is told UNKNOWN_CLIENT.
 * Allocation free once it has seen {@code maxClients} clients.
 */
final class ClientTable
{
    static final long MISSING = -1;
    private static final int STATUS_SHIFT = 56;
    private static final long POSITION_MASK = (1L << STATUS_SHIFT) - 1;

    private final Long2LongHashMap slotByClient = new Long2LongHashMap(MISSING);
    private final long[] clientIds;
    private final long[] lastRequestIds;
    private final long[] lastSeen;
    private final long[] outcomes;
    private final int maxClients;
    private int count;

    ClientTable(final int maxClients)
    {
        if (maxClients < 1)
        {
            throw new IllegalArgumentException("maxClients must be positive: maxClients=" + maxClients);
        }
        this.maxClients = maxClients;
        clientIds = new long[maxClients];
        lastRequestIds = new long[maxClients];
        lastSeen = new long[maxClients];
        outcomes = new long[maxClients * OUTCOME_WINDOW];
    }

    int count()
    {
        return count;
    }

    /**
     * @return the client's slot, or -1 if it is not remembered.
     */
    int slot(final long clientId)
    {
        return (int)slotByClient.get(clientId);
    }

    /**
     * Remember a new client; if the table is full, in place of the one seen longest ago, provided it was last seen
     * before {@code seenBefore}.
     *
     * @return the new client's slot, or -1 if the table is full of clients seen since {@code seenBefore}.
     */
    int add(final long clientId, final long timestamp, final long seenBefore)
    {
        int slot;
        if (count < maxClients)
        {
            slot = count++;
        }
        else
        {
            slot = 0;
            for (int i = 1; i < maxClients; i++)
            {
                if (lastSeen[i] < lastSeen[slot])
                {
                    slot = i;
                }
            }
            if (lastSeen[slot] >= seenBefore)
            {
                return -1;
            }
            slotByClient.remove(clientIds[slot]);
        }
        clientIds[slot] = clientId;
        lastRequestIds[slot] = 0;
        lastSeen[slot] = timestamp;
        java.util.Arrays.fill(outcomes, slot * OUTCOME_WINDOW, (slot + 1) * OUTCOME_WINDOW, 0L);
        slotByClient.put(clientId, slot);
        return slot;
    }

    long clientId(final int slot)
    {
        return clientIds[slot];
    }

    long lastRequestId(final int slot)
    {
        return lastRequestIds[slot];
    }

    long lastSeen(final int slot)
    {
        return lastSeen[slot];
    }

    void seen(final int slot, final long timestamp)
    {
        lastSeen[slot] = Math.max(lastSeen[slot], timestamp);
    }

    /**
     * The request {@code requestId} (the client's next) was processed with this outcome.
     */
    void record(final int slot, final long requestId, final int status, final long position)
    {
        lastRequestIds[slot] = requestId;
        outcomes[slot * OUTCOME_WINDOW + (int)(requestId % OUTCOME_WINDOW)] = encode(status, position);
    }

    /**
     * @return the outcome of an earlier request, or {@link #MISSING} if it fell out of the window.
     */
    long outcome(final int slot, final long requestId)
    {
        if (requestId <= lastRequestIds[slot] - OUTCOME_WINDOW || requestId > lastRequestIds[slot] || requestId < 1)
        {
            return MISSING;
        }
        return outcomes[slot * OUTCOME_WINDOW + (int)(requestId % OUTCOME_WINDOW)];
    }

    long outcomeAt(final int slot, final int index)
    {
        return outcomes[slot * OUTCOME_WINDOW + index];
    }

    /**
     * Restore one client from a snapshot.
     */
    void load(final long clientId, final long lastRequestId, final long seen, final long[] loadedOutcomes)
    {
        if (count >= maxClients)
        {
            throw new IllegalStateException("snapshot remembers more clients than maxClients=" + maxClients);
        }
        if (MISSING != slotByClient.get(clientId))
        {
            throw new IllegalStateException("snapshot names client " + clientId + " twice");
        }
        final int slot = count++;
        clientIds[slot] = clientId;
        lastRequestIds[slot] = lastRequestId;
        lastSeen[slot] = seen;
        System.arraycopy(loadedOutcomes, 0, outcomes, slot * OUTCOME_WINDOW, OUTCOME_WINDOW);
        slotByClient.put(clientId, slot);
    }

    static long encode(final int status, final long position)
    {
        return ((long)status << STATUS_SHIFT) | (position & POSITION_MASK);
    }

    static int status(final long outcome)
    {
        return (int)(outcome >>> STATUS_SHIFT);
    }

    static long position(final long outcome)
    {
        return outcome & POSITION_MASK;
    }
}
