/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import java.io.IOException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread of its own for the checkpointer's blocking calls (the forces of the slot, the log and the header), so that
 * a checkpointer driven from a shared duty cycle (an invoker on a thread that also runs the embedded archive's
 * recorder, say) never blocks that thread for as long as a force takes. The thread sleeps in the kernel while a force
 * runs and parks, untimed, between tasks: it takes no CPU that the duty cycle could use.
 * <p>
 * One task at a time. The checkpointer (whoever drives it) {@link #submit submits} a task only when
 * {@link #isIdle()}, and reads its {@link #takeFailure() failure} after it is idle again: the task's fields are
 * written before the volatile {@code requested} is incremented and its outcome before {@code completed} is, so each
 * side sees the other's plain writes. No allocation once started.
 */
final class CheckpointForcer implements AutoCloseable
{
    /**
     * A blocking step of a checkpoint.
     */
    @FunctionalInterface
    interface Task
    {
        void run() throws IOException;
    }

    private static final long PARK_NS = 100_000;

    private final Thread thread;
    private volatile long requested;
    private volatile long completed;
    private volatile boolean closing;
    private Task task;
    private Throwable failure;

    CheckpointForcer(final ThreadFactory threadFactory)
    {
        thread = threadFactory.newThread(this::run);
        thread.setName("tidemark-checkpoint-forcer");
        thread.setDaemon(true);
        thread.start();
    }

    boolean isIdle()
    {
        return requested == completed;
    }

    /**
     * Run a task on the forcer's thread; only when {@link #isIdle()}.
     */
    void submit(final Task task)
    {
        this.task = task;
        requested = requested + 1;
        LockSupport.unpark(thread);
    }

    /**
     * @return what the last task threw, once (null if it completed); only when {@link #isIdle()}.
     */
    Throwable takeFailure()
    {
        final Throwable thrown = failure;
        failure = null;
        return thrown;
    }

    private void run()
    {
        while (!closing)
        {
            if (requested != completed)
            {
                try
                {
                    task.run();
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
                completed = completed + 1;
            }
            else
            {
                // submit() and close() unpark; a permit given before this park makes it return at once. A stray
                // interrupt is cleared, or every park would return at once.
                LockSupport.park(this);
                Thread.interrupted();
            }
        }
    }

    /**
     * Wait for a task under way to end, then stop the thread. Waits as long as a force takes.
     */
    public void close()
    {
        while (!isIdle() && thread.isAlive())
        {
            LockSupport.parkNanos(PARK_NS);
        }
        closing = true;
        LockSupport.unpark(thread);
        CheckpointerThread.joinUninterruptibly(thread);
    }
}
