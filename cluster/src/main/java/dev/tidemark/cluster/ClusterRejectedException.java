/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

/**
 * A refusal, as a future's exception.
 */
public final class ClusterRejectedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private final int status;

    ClusterRejectedException(final int status, final String reason)
    {
        super(ClusterResponseDescriptor.statusName(status) + ": " + reason);
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
