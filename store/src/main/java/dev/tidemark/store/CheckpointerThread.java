/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.ThreadFactory;

/**
 * The checkpointer on a thread of the store's own, which stops when the store closes and only then.
 * <p>
 * Agrona's {@link org.agrona.concurrent.AgentRunner} takes an interrupt of its thread as a request to stop, and its
 * close interrupts the thread when a duty cycle outlasts a timeout. Neither suits the checkpointer: a stray interrupt
 * would stop it for good, leaving every later checkpoint waiting, and a duty cycle may rightly take long (a force of
 * a large slot on a busy disk). So this loop clears any interrupt after each duty cycle, and its close asks it to stop
 * and waits for it, however long the cycle under way takes. The channels the checkpointer writes survive an
 * interrupt in any case ({@link ReopeningChannel}).
 */
final class CheckpointerThread implements Runnable, AutoCloseable
{
    private final Checkpointer checkpointer;
    private final IdleStrategy idleStrategy;
    private final ErrorHandler errorHandler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean exited;

    CheckpointerThread(
        final Checkpointer checkpointer,
        final IdleStrategy idleStrategy,
        final ErrorHandler errorHandler,
        final ThreadFactory threadFactory)
    {
        this.checkpointer = checkpointer;
        this.idleStrategy = idleStrategy;
        this.errorHandler = errorHandler;
        this.thread = threadFactory.newThread(this);
        thread.setName(checkpointer.roleName());
        thread.start();
    }

    public void run()
    {
        try
        {
            while (running)
            {
                try
                {
                    idleStrategy.idle(checkpointer.doWork());
                }
                catch (final RuntimeException ex)
                {
                    report(ex);
                }
                catch (final Error ex)
                {
                    // Out of memory, or a SIGBUS on a mapping: the checkpointer cannot be trusted to go on, so the
                    // store becomes fail-stop (writes refused) and this thread ends, which a waiting writer notices.
                    checkpointer.fail(ex); // first, and allocating nothing: the Error may be an OutOfMemoryError
                    report(ex);
                    throw ex;
                }
                // Only close stops this thread; an interrupt would otherwise make every idle return at once.
                Thread.interrupted();
            }
        }
        finally
        {
            exited = true;
        }
    }

    private void report(final Throwable ex)
    {
        try
        {
            errorHandler.onError(ex);
        }
        catch (final Throwable ignore)
        {
            // an error handler that throws must not end the checkpointer's thread
        }
    }

    /**
     * @return true if the thread ended although it was never told to stop (an {@link Error} in a duty cycle).
     */
    boolean hasDied()
    {
        return exited && running;
    }

    String name()
    {
        return thread.getName();
    }

    /**
     * Tell the thread to stop and wait for it to end, however long the duty cycle under way takes; the caller's
     * interrupt status is kept, not acted on.
     */
    public void close()
    {
        running = false;
        CheckpointerThread.joinUninterruptibly(thread);
    }

    /**
     * Wait for a thread to end, however long it takes; an interrupt of the waiting thread is kept for it, not acted on.
     *
     * @param thread the thread to wait for.
     */
    static void joinUninterruptibly(final Thread thread)
    {
        boolean interrupted = false;
        while (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
