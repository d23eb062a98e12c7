/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

/**
 * Told of each request's answer, inside {@link ClusteredStoreClient#poll()}.
 */
public interface ClusteredStoreListener
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
