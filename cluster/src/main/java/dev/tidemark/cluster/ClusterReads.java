/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.store.ProcessReader;
import org.agrona.concurrent.IdleStrategy;

/**
 * Reads on any member that reflect everything committed up to a position. A member's store is read like any running
 * store, with a {@link ProcessReader} on {@code <member dir>/state} (lock-free, any thread, this process or another);
 * its {@link ProcessReader#position()} is the log position of the last request the member applied, and a member
 * applies only committed requests, in log order. So once {@code position() >= p}, every request committed at or
 * before {@code p} (an APPLIED answer's position, say) is visible to the reads that follow.
 */
public final class ClusterReads
{
    private ClusterReads()
    {
    }

    /**
     * Wait until the member's state reflects every request committed up to {@code position}.
     *
     * @param reader    a reader of the member's store.
     * @param position  a cluster log position, e.g. from {@link ClusteredStoreListener#onApplied}.
     * @param timeoutNs how long to wait.
     * @param idle      between checks.
     * @return true once reached, false on timeout (the member is behind, or down).
     * @throws IllegalStateException as {@link ProcessReader#position()} (no member has the store open, say).
     */
    public static boolean awaitCommitted(
        final ProcessReader reader, final long position, final long timeoutNs, final IdleStrategy idle)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        idle.reset();
        while (reader.position() < position)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            idle.idle();
        }
        return true;
    }
}
