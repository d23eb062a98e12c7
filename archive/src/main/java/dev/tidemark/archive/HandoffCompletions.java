/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.TidemarkException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One {@link WriteHandoff.Producer}'s completions: the latest applied ticket, the latest durable ticket and a ring of
 * {@code window} results, in direct memory of their own (each counter on a line of its own). The writer stores a
 * ticket's result with a plain store, then the applied ticket with a release store; the producer loads the ticket
 * with acquire before the result. The durable ticket is a release store too. The writer keeps its own copies of both
 * tickets. Zero allocation.
 */
final class HandoffCompletions
{
    private static final int APPLIED_OFFSET = 0;
    private static final int DURABLE_OFFSET = 128;
    private static final int RESULTS_OFFSET = 256;

    private final UnsafeBuffer buffer;
    private final int mask;
    private final IdleStrategy idleStrategy = new BackoffIdleStrategy(
        100, 100, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    // The writer's own copies, written only by the writer thread.
    private long writerApplied;
    private long writerDurable;

    HandoffCompletions(final int window)
    {
        this.mask = window - 1;
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(RESULTS_OFFSET + window * Long.BYTES));
    }

    // ---------------------------------------------------------------------------------------------- writer thread

    /**
     * A ticket was applied (or refused) with this result.
     */
    void applied(final long ticket, final long result)
    {
        buffer.putLong(resultOffset(ticket), result);
        buffer.putLongRelease(APPLIED_OFFSET, ticket);
        writerApplied = ticket;
    }

    /**
     * @return whether some applied ticket is not yet durable.
     */
    boolean pending()
    {
        return writerDurable != writerApplied;
    }

    /**
     * Advance the durable ticket over every applied ticket whose change is at or below the durable position, or
     * that was refused (a negative result: nothing to make durable).
     *
     * @return 1 if it moved, else 0.
     */
    int advanceDurable(final long durablePosition)
    {
        long ticket = writerDurable;
        while (ticket < writerApplied)
        {
            final long result = buffer.getLong(resultOffset(ticket + 1));
            if (result >= 0 && result > durablePosition)
            {
                break;
            }
            ticket++;
        }
        if (ticket == writerDurable)
        {
            return 0;
        }
        writerDurable = ticket;
        buffer.putLongRelease(DURABLE_OFFSET, ticket);
        return 1;
    }

    // -------------------------------------------------------------------------------------------- producer thread

    long appliedTicket()
    {
        return buffer.getLongAcquire(APPLIED_OFFSET);
    }

    long durableTicket()
    {
        return buffer.getLongAcquire(DURABLE_OFFSET);
    }

    /**
     * @return the result stored for a ticket the caller knows was applied and not yet reused.
     */
    long result(final long ticket)
    {
        return buffer.getLong(resultOffset(ticket));
    }

    /**
     * Wait until the applied (or the durable) ticket reaches {@code ticket}.
     *
     * @throws TidemarkException if it does not within {@code timeoutNs}.
     */
    void await(final boolean durable, final long ticket, final long timeoutNs)
    {
        final int offset = durable ? DURABLE_OFFSET : APPLIED_OFFSET;
        final long deadline = System.nanoTime() + timeoutNs;
        idleStrategy.reset();
        while (buffer.getLongAcquire(offset) < ticket)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new TidemarkException(TidemarkException.Category.ERROR, "ticket " + ticket + " not " +
                    (durable ? "durable" : "applied") + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) +
                    " ms (applied up to " + appliedTicket() + ", durable up to " + durableTicket() +
                    "): is the writer polling?");
            }
            idleStrategy.idle();
        }
    }

    private int resultOffset(final long ticket)
    {
        return RESULTS_OFFSET + (int)(ticket & mask) * Long.BYTES;
    }
}
