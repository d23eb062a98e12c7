/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;

/**
 * Who runs the {@link Checkpointer} and how the writer waits for it: on a thread of its own
 * ({@link CheckpointerThread}), or through an {@link AgentInvoker} ({@link CheckpointerInvoker}) that a thread of the
 * user's calls and that a waiting writer drives itself. Neither stops for an interrupt, as Agrona's runner and
 * invoker do: the checkpointer stops when the store closes, and only then. The
 * wait takes each ended checkpoint's result into the {@link CheckpointLedger}. Started last when a store opens,
 * closed first when it closes. Writer thread only, but for the runner's own thread.
 */
final class CheckpointerDriver
{
    private final Checkpointer checkpointer;
    private final NanoClock clock;
    private final CheckpointerThread runner;
    private final AgentInvoker invoker;
    private final IdleStrategy awaitIdleStrategy = new BackoffIdleStrategy(
        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));

    CheckpointerDriver(final Checkpointer checkpointer, final StoreContext ctx)
    {
        this.checkpointer = checkpointer;
        this.clock = ctx.nanoClock();
        if (ctx.useCheckpointerInvoker())
        {
            runner = null;
            invoker = new CheckpointerInvoker(ctx.errorHandler(), checkpointer);
            invoker.start();
        }
        else
        {
            invoker = null;
            runner = new CheckpointerThread(checkpointer, ctx.checkpointerIdleStrategy(), ctx.errorHandler(),
                ctx.checkpointerThreadFactory());
        }
    }

    /**
     * Wait until no checkpoint is in flight, driving the invoker if there is one.
     *
     * @param timeoutNs how long to wait.
     * @param ledger    takes the result of a checkpoint that ends.
     * @return true if none is in flight on return, false if the time ran out.
     */
    boolean await(final long timeoutNs, final CheckpointLedger ledger)
    {
        final long deadline = clock.nanoTime() + timeoutNs;
        awaitIdleStrategy.reset();
        while (true)
        {
            ledger.poll();
            if (!ledger.isInFlight())
            {
                return true;
            }
            if (clock.nanoTime() - deadline > 0)
            {
                return false;
            }
            if (null != runner && runner.hasDied())
            {
                throw new TidemarkException(TidemarkException.Category.FATAL, "the checkpointer's thread " +
                    runner.name() + " died before the store closed, so no checkpoint can end; store is fail-stop",
                    checkpointer.fatalError());
            }
            if (null != invoker)
            {
                awaitIdleStrategy.idle(invoker.invoke());
            }
            else
            {
                awaitIdleStrategy.idle();
            }
        }
    }

    /**
     * @return the invoker, or null when the checkpointer runs on its own thread.
     */
    AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * Stop the runner or the invoker, then wait for a duty cycle under way to end, so nothing is unmapped under it.
     */
    void close()
    {
        CloseHelper.quietCloseAll(runner, invoker);
        checkpointer.closeDriving(awaitIdleStrategy);
    }
}
