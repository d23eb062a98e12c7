/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

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
 * Forces never repeat on a new channel: a force whose channel an interrupt closed may have failed underneath (the
 * JDK reports the close, not the {@code EIO}), and Linux tells each write-back error only to the descriptors that have
 * not yet seen it, so a repeat on a descriptor opened after the failure could succeed over pages that never reached
 * the disk. So {@link #force} then syncs through a descriptor of its own, opened with the channel and never closed
 * before this holder ({@link FileDescriptor#sync()}: an {@code fsync}, which no interrupt can close): it is told of
 * every error since the file was opened. A reopen checks it found the same file (device and inode), and refuses a
 * replaced one.
 * Mappings made through an earlier channel stay valid: a mapping does not need its channel.
 * Any thread; allocates only when it opens the file again.
 */
final class ReopeningChannel implements AutoCloseable
{
    private final Path path;
    private final OpenOption[] options;
    private final RandomAccessFile syncFile;
    private final Object fileKey;
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
        try
        {
            this.fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            this.syncFile = new RandomAccessFile(path.toFile(), "rw");
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            throw ex;
        }
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
     * {@link FileChannel#force(boolean) force(false)} (an {@code fdatasync}, whose failure names its errno), once. If
     * an interrupt closed the channel during it, its outcome is unknown, and it is not repeated on a channel opened
     * again (which could succeed over pages that never reached the disk): the holder's own descriptor is synced
     * instead ({@code fsync}; it reports every write-back error since the file was opened that it has not yet).
     *
     * @throws IOException if the force fails.
     */
    void force() throws IOException
    {
        try
        {
            channel.force(false);
        }
        catch (final ClosedChannelException ex)
        {
            if (closed)
            {
                throw ex;
            }
            try
            {
                syncFile.getFD().sync();
            }
            catch (final IOException syncFailure)
            {
                syncFailure.addSuppressed(ex);
                throw new IOException("fsync of " + path + " failed (a write-back error: EIO or ENOSPC) after an " +
                    "interrupt closed the channel during its fdatasync", syncFailure);
            }
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
        CloseHelper.quietClose(syncFile);
    }

    /**
     * The channel {@code used} was found closed: unless this holder was closed, clear the caller's interrupt status
     * and make sure a channel opened after {@code used} is in place.
     *
     * @return true if the caller had been interrupted.
     */
    private boolean reopenAfter(final FileChannel used, final ClosedChannelException ex) throws IOException
    {
        final boolean interrupted = Thread.interrupted();
        boolean done = false;
        try
        {
            synchronized (this)
            {
                if (closed)
                {
                    throw ex;
                }
                if (channel == used)
                {
                    final FileChannel reopened = FileChannel.open(path, options);
                    final Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                    if (null != fileKey && !fileKey.equals(key))
                    {
                        CloseHelper.quietClose(reopened);
                        throw new IOException("file replaced since it was opened, not reopened: " + path);
                    }
                    channel = reopened;
                }
            }
            done = true;
            return interrupted;
        }
        finally
        {
            if (!done)
            {
                restoreInterrupt(interrupted);
            }
        }
    }

    private static void restoreInterrupt(final boolean interrupted)
    {
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
