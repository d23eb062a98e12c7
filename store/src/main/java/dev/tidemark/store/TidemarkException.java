/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * The one unchecked exception for storage faults: files that cannot be read or written, corrupt or foreign data,
 * a failed force. Misuse (bad arguments, wrong thread, closed store) throws {@link IllegalArgumentException} or
 * {@link IllegalStateException} instead.
 * <p>
 * A {@link Category#FATAL} fault leaves the store fail-stop: it refuses every later write and checkpoint, and
 * {@link StateStore#failure()} returns the cause. An {@link Category#ERROR} fault failed one operation and
 * changed nothing.
 */
public final class TidemarkException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * How bad a fault is.
     */
    public enum Category
    {
        /**
         * The operation failed and changed nothing; the store can still be used.
         */
        ERROR,

        /**
         * The store can no longer promise durability and refuses further writes and checkpoints.
         */
        FATAL
    }

    private final Category category;

    /**
     * A fault with a message.
     *
     * @param category how bad it is.
     * @param message  what failed and where.
     */
    public TidemarkException(final Category category, final String message)
    {
        super(category + " - " + message);
        this.category = category;
    }

    /**
     * A fault with a message and the cause underneath.
     *
     * @param category how bad it is.
     * @param message  what failed and where.
     * @param cause    the exception underneath.
     */
    public TidemarkException(final Category category, final String message, final Throwable cause)
    {
        super(category + " - " + message, cause);
        this.category = category;
    }

    /**
     * How bad the fault is.
     *
     * @return how bad the fault is.
     */
    public Category category()
    {
        return category;
    }

    /**
     * Is this fault fatal for the store?
     *
     * @return true if the store is fail-stop after this fault.
     */
    public boolean isFatal()
    {
        return Category.FATAL == category;
    }
}
