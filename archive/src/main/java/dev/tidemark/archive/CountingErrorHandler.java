/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import io.aeron.Counter;
import org.agrona.ErrorHandler;

/**
 * Error handler that counts, before and after the counters exist.
 */
final class CountingErrorHandler implements ErrorHandler
{
    private final ErrorHandler delegate;
    volatile Counter counter;
    long early;

    CountingErrorHandler(final ErrorHandler delegate)
    {
        this.delegate = delegate;
    }

    public void onError(final Throwable throwable)
    {
        final Counter c = counter;
        if (null != c && !c.isClosed())
        {
            c.increment();
        }
        else
        {
            early++;
        }
        delegate.onError(throwable);
    }
}
