/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A file channel that an interrupt cannot take away from the store.
 * <p>
 * A {@link FileChannel} is an interruptible channel: an interrupt of any thread in (or entering) one of its operations
 * closes it for every thread ({@link java.nio.channels.ClosedByInterruptException}). The store's slot and header files
 * are written by the checkpointer, which may be a thread of the user's (the invoker), which the user may interrupt
 * for reasons of their own, or the store's own thread, which nothing should interrupt but something may; either
 * would otherwise leave the store fail-stop for want of a channel. So each operation here that finds the channel
 * closed, while this holder is not, opens the file again and repeats itself, with the caller's interrupt status
 * cleared for the repeat and set again on return. Repeating is safe because every operation is positional: a write
 * puts the same bytes at the same offset again, and its buffer is put back to where it started first.
 * <p>
 * Open again, a file's descriptor still reports a write-back error that no descriptor has yet been told of (Linux
 * keeps one per file and hands it to the first {@code fsync} after it), so a force after the repeat fails as the
 * first would have. Mappings made through an earlier channel stay valid: a mapping does not need its channel.
 * Any thread; allocates only when it opens the file again.
 */
final class ReopeningChannel implements AutoCloseable
{
    private final Path path;
    private final OpenOption[] options;
    private volatile FileChannel channel;
    private volatile boolean closed;

    /**
     * @param path    the file.
     * @param options how to open it, now and again.
     * @throws IOException if it cannot be opened.
     */
    ReopeningChannel(final Path path, final OpenOption... options) throws IOException
    {
        this.path = path;
        this.options = options;
        this.channel = FileChannel.open(path, options);
    }

    /**
     * @return the channel now open on the file, for a mapping or a read at open.
     */
    FileChannel current()
    {
        return channel;
    }

    /**
     * {@link FileChannel#write(ByteBuffer, long)}, repeated on a channel opened again if an interrupt closed it.
     */
    int write(final ByteBuffer source, final long position) throws IOException
    {
        final int start = source.position();
        boolean interrupted = false;
        try
        {
            while (true)
            {
                final FileChannel used = channel;
                try
                {
                    return used.write(source, position);
                }
                catch (final ClosedChannelException ex)
                {
                    interrupted |= reopenAfter(used, ex);
                    source.position(start);
                }
            }
        }
        finally
        {
            restoreInterrupt(interrupted);
        }
    }

    /**
     * {@link FileChannel#read(ByteBuffer, long)}, repeated on a channel opened again if an interrupt closed it.
     */
    int read(final ByteBuffer into, final long position) throws IOException
    {
        final int start = into.position();
        boolean interrupted = false;
        try
        {
            while (true)
            {
                final FileChannel used = channel;
                try
                {
                    return used.read(into, position);
                }
                catch (final ClosedChannelException ex)
                {
                    interrupted |= reopenAfter(used, ex);
                    into.position(start);
                }
            }
        }
        finally
        {
            restoreInterrupt(interrupted);
        }
    }

    /**
     * {@link FileChannel#force(boolean)}, repeated on a channel opened again if an interrupt closed it.
     */
    void force(final boolean metaData) throws IOException
    {
        boolean interrupted = false;
        try
        {
            while (true)
            {
                final FileChannel used = channel;
                try
                {
                    used.force(metaData);
                    return;
                }
                catch (final ClosedChannelException ex)
                {
                    interrupted |= reopenAfter(used, ex);
                }
            }
        }
        finally
        {
            restoreInterrupt(interrupted);
        }
    }

    /**
     * {@link FileChannel#size()}, repeated on a channel opened again if an interrupt closed it.
     */
    long size() throws IOException
    {
        boolean interrupted = false;
        try
        {
            while (true)
            {
                final FileChannel used = channel;
                try
                {
                    return used.size();
                }
                catch (final ClosedChannelException ex)
                {
                    interrupted |= reopenAfter(used, ex);
                }
            }
        }
        finally
        {
            restoreInterrupt(interrupted);
        }
    }

    public synchronized void close()
    {
        closed = true;
        CloseHelper.quietClose(channel);
    }

    /**
     * The channel {@code used} was found closed: unless this holder was closed, clear the caller's interrupt status
     * and make sure a channel opened after {@code used} is in place.
     *
     * @return true if the caller had been interrupted.
     */
    private boolean reopenAfter(final FileChannel used, final ClosedChannelException ex) throws IOException
    {
        if (closed)
        {
            throw ex;
        }
        final boolean interrupted = Thread.interrupted();
        synchronized (this)
        {
            if (closed)
            {
                throw ex;
            }
            if (channel == used)
            {
                channel = FileChannel.open(path, options);
            }
        }
        return interrupted;
    }

    private static void restoreInterrupt(final boolean interrupted)
    {
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
