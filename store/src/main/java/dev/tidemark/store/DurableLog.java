/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * The log the store's positions refer to, as far as a checkpoint needs it: how far it is durable. A checkpoint at
 * position P commits only once {@link #durablePosition()} has reached P, so a snapshot is never ahead of the log it
 * will be replayed from. The archive module answers with the archive's recording position at the store's sync
 * level; a store used without a log can use {@link #NONE}.
 * <p>
 * Called from the checkpointer thread; must be thread safe and must not block.
 */
@FunctionalInterface
public interface DurableLog
{
    /**
     * For a store with no log: every position is durable.
     */
    DurableLog NONE = () -> Long.MAX_VALUE;

    /**
     * How far the log is durable.
     *
     * @return the position up to which the log is durable, or a negative value when it cannot be known now.
     */
    long durablePosition();

    /**
     * Make the log durable on disk up to a position, if {@link #durablePosition()} can run ahead of what the disk
     * holds (an archive at fileSyncLevel 0 counts what it wrote to the page cache). Called by the checkpointer once
     * per checkpoint, after {@link #durablePosition()} reached the position and before the slot is forced, so a
     * snapshot is never ahead of the log as the disk holds it. A failure makes the store fail-stop.
     *
     * @param position the position the checkpoint is about to commit at.
     * @throws java.io.IOException if the log cannot be forced.
     */
    default void forceTo(final long position) throws java.io.IOException
    {
    }
}
