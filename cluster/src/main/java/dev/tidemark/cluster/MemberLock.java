/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;

/**
 * An OS lock on {@code <member dir>/member.lock}, taken before a member launches anything and held while it runs:
 * a second launch on the same directory is refused at once, before its media driver could delete the running one's
 * files. Released by the OS if the process dies.
 */
final class MemberLock implements AutoCloseable
{
    private final FileChannel channel;
    private final FileLock lock;

    private MemberLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    static MemberLock acquire(final File dir)
    {
        if (!dir.isDirectory() && !dir.mkdirs())
        {
            throw new IllegalStateException("cannot make the member's directory: " + dir);
        }
        final File file = new File(dir, "member.lock");
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock = channel.tryLock();
            if (null == lock)
            {
                throw new IllegalStateException("a member is already running in " + dir + " (" + file + " is locked)");
            }
            return new MemberLock(channel, lock);
        }
        catch (final OverlappingFileLockException ex)
        {
            closeQuietly(channel);
            throw new IllegalStateException("a member is already running in " + dir + " (this process)", ex);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + file, ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(channel);
            throw ex;
        }
    }

    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignore)
        {
            // the channel's close releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing more to release
            }
        }
    }
}
