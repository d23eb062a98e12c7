/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.TidemarkException;
import io.aeron.Publication;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * The back-pressure policy of the change stream: a claim or offer the publication refuses is retried, idling between
 * tries, until {@link DurableStoreContext#backPressureTimeoutNs()} has passed; then the write fails with nothing
 * applied or published. A closed publication, or one past its maximum position, fails at once. Writer thread only.
 */
final class BackPressure
{
    private final long timeoutNs;
    private final File dir;
    private final IdleStrategy idleStrategy = new BackoffIdleStrategy(
        100, 100, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    private long deadlineNs;

    BackPressure(final long timeoutNs, final File dir)
    {
        this.timeoutNs = timeoutNs;
        this.dir = dir;
    }

    /**
     * Start the deadline of one claim or offer; call before its first try.
     */
    void begin()
    {
        deadlineNs = System.nanoTime() + timeoutNs;
        idleStrategy.reset();
    }

    /**
     * A try was refused with a negative result: fail if it can never succeed or the deadline has passed, else idle.
     *
     * @param result the publication's result.
     */
    void onRefused(final long result)
    {
        if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "change stream publication unusable (" + Publication.errorString(result) + "): dir=" + dir);
        }
        if (System.nanoTime() - deadlineNs > 0)
        {
            throw new TidemarkException(TidemarkException.Category.ERROR,
                "change stream back-pressured for " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms (" +
                Publication.errorString(result) + "), nothing applied or published: dir=" + dir);
        }
        idleStrategy.idle();
    }
}
