/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;

/**
 * The invoker a thread of the user's drives the checkpointer with. Unlike Agrona's, it does not stop when the
 * calling thread is interrupted: the thread's interrupt status is the caller's business, cleared for the duty cycle
 * (a file channel is closed by an interrupt of the thread in it) and set again on return. It stops when the store
 * closes.
 */
final class CheckpointerInvoker extends AgentInvoker
{
    private final Checkpointer checkpointer;
    private final ErrorHandler errorHandler;

    CheckpointerInvoker(final ErrorHandler errorHandler, final Checkpointer checkpointer)
    {
        super(errorHandler, null, checkpointer);
        this.checkpointer = checkpointer;
        this.errorHandler = errorHandler;
    }

    /**
     * Run one duty cycle of the checkpointer, if the store is open.
     *
     * @return the work done, 0 for none.
     */
    @Override
    public int invoke()
    {
        if (!isRunning())
        {
            return 0;
        }
        final boolean interrupted = Thread.interrupted();
        try
        {
            return checkpointer.doWork();
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            return 0;
        }
        catch (final Error ex)
        {
            // As Agrona's invoker: reported, then thrown to the caller; the store becomes fail-stop first.
            checkpointer.fail(ex); // first, and allocating nothing: the Error may be an OutOfMemoryError
            errorHandler.onError(ex);
            throw ex;
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
