/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;

/**
 * The store directory: its files, and the exclusive lock held on it for the store's life.
 * <p>
 * The lock is an OS file lock on {@value #LOCK_FILE_NAME}: a second opener, in this JVM or another process, fails
 * at once; the OS releases it when the holder dies, however it dies.
 */
final class StoreDirectory implements AutoCloseable
{
    static final String LOCK_FILE_NAME = "tidemark.lock";
    static final String LIVE_FILE_NAME = "live.dat";
    static final String HEADER_TEMP_FILE_NAME = StoreHeaderDescriptor.HEADER_FILE_NAME + ".tmp";
    static final String HEADER_RESTORE_FILE_NAME = StoreHeaderDescriptor.HEADER_FILE_NAME + ".restore";

    /**
     * The store's own files other than its header and lock, in name order: any of them without a header is a
     * damaged store.
     */
    static final String[] STORE_FILE_NAMES = {
        HEADER_RESTORE_FILE_NAME, LIVE_FILE_NAME, SlotDescriptor.fileName(0), SlotDescriptor.fileName(0) + ".bad",
        SlotDescriptor.fileName(1), SlotDescriptor.fileName(1) + ".bad" };

    private static final int ZERO_CHUNK = 1024 * 1024;
    private static final int MAX_LOCK_ATTEMPTS = 16;

    private final File dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String claim;

    private StoreDirectory(final File dir, final FileChannel lockChannel, final FileLock lock, final String claim)
    {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.claim = claim;
    }

    /**
     * Take the directory's lock, creating the directory first if it is missing and {@code create} is set.
     *
     * @throws IllegalStateException if another store holds the lock.
     * @throws TidemarkException     if the directory is missing and {@code create} is not set.
     */
    static StoreDirectory lock(final File dir, final boolean create)
    {
        return lock(dir, create, 0);
    }

    private static StoreDirectory lock(final File dir, final boolean create, final int attempt)
    {
        if (!dir.isDirectory())
        {
            if (dir.exists())
            {
                throw new IllegalArgumentException("store directory is not a directory: dir=" + dir);
            }
            if (!create)
            {
                throw new TidemarkException(
                    TidemarkException.Category.ERROR, "store directory missing: dir=" + dir);
            }
            if (!dir.mkdirs() && !dir.isDirectory())
            {
                throw new TidemarkException(
                    TidemarkException.Category.ERROR, "cannot create store directory: dir=" + dir);
            }
            final File parent = dir.getAbsoluteFile().getParentFile();
            if (null != parent)
            {
                fsyncDirectory(parent);
            }
        }

        final File lockFile = new File(dir, LOCK_FILE_NAME);
        synchronized (JvmFileLocks.MONITOR)
        {
            // Claimed in this JVM before any channel is opened: closing a second channel would drop the first's lock.
            FileChannel channel = null;
            String claim = null;
            try
            {
                JvmFileLocks.createIfMissing(lockFile.toPath());
                claim = JvmFileLocks.claim(lockFile.toPath());
                if (null == claim)
                {
                    throw new IllegalStateException("store already open in this JVM: dir=" + dir);
                }
                channel = FileChannel.open(lockFile.toPath(), StandardOpenOption.WRITE);
                final FileLock lock;
                try
                {
                    lock = channel.tryLock();
                }
                catch (final OverlappingFileLockException ex)
                {
                    // Held by a channel that did not claim the file first: refused, the claim given back below.
                    throw new IllegalStateException("store already open in this JVM: dir=" + dir, ex);
                }
                if (null == lock)
                {
                    throw new IllegalStateException(
                        "store already open by another process (lock held on " + lockFile + "): dir=" + dir);
                }
                if (!claim.equals(JvmFileLocks.keyOrNull(lockFile.toPath())))
                {
                    // The name was unlinked (a failed create removes its files once it let its lock go) between
                    // this open of it and the lock: the lock is on a file no other opener can find. Try again.
                    lock.release();
                    CloseHelper.quietClose(channel);
                    channel = null;
                    JvmFileLocks.release(claim);
                    claim = null;
                    if (attempt >= MAX_LOCK_ATTEMPTS)
                    {
                        throw new TidemarkException(TidemarkException.Category.ERROR, "the lock file was replaced " +
                            "under each of " + MAX_LOCK_ATTEMPTS + " attempts to lock it: file=" + lockFile);
                    }
                    return lock(dir, create, attempt + 1);
                }
                return new StoreDirectory(dir, channel, lock, claim);
            }
            catch (final IOException | RuntimeException ex)
            {
                // Every refusal: the channel closed first, then the claim given back, once.
                CloseHelper.quietClose(channel);
                JvmFileLocks.release(claim);
                if (ex instanceof RuntimeException)
                {
                    throw (RuntimeException)ex;
                }
                throw new TidemarkException(
                    TidemarkException.Category.ERROR, "cannot lock store directory: file=" + lockFile, ex);
            }
        }
    }

    File dir()
    {
        return dir;
    }

    File headerFile()
    {
        return new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
    }

    File headerTempFile()
    {
        return new File(dir, HEADER_TEMP_FILE_NAME);
    }

    File headerRestoreFile()
    {
        return new File(dir, HEADER_RESTORE_FILE_NAME);
    }

    File slotFile(final int slot)
    {
        return new File(dir, SlotDescriptor.fileName(slot));
    }

    File liveFile()
    {
        return new File(dir, LIVE_FILE_NAME);
    }

    void fsync()
    {
        fsyncDirectory(dir);
    }

    public void close()
    {
        synchronized (JvmFileLocks.MONITOR)
        {
            try
            {
                lock.release();
            }
            catch (final IOException ignore)
            {
                // the channel close below releases it too
            }
            CloseHelper.quietClose(lockChannel);
            JvmFileLocks.release(claim);
        }
    }

    /**
     * fsync a directory so that the names created or renamed in it survive a power loss.
     */
    static void fsyncDirectory(final File dir)
    {
        try (FileChannel channel = FileChannel.open(dir.toPath(), StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new TidemarkException(
                TidemarkException.Category.FATAL, "fsync of store directory failed: dir=" + dir, ex);
        }
    }

    /**
     * Write real zero bytes, never a hole: a write through a mapping into a hole of a full disk is a SIGBUS.
     *
     * @return the position after the zeros.
     */
    static long writeZeros(final FileChannel channel, final long position, final long length) throws IOException
    {
        final ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
        long at = position;
        final long end = position + length;
        while (at < end)
        {
            zeros.clear();
            zeros.limit((int)Math.min(zeros.capacity(), end - at));
            while (zeros.hasRemaining())
            {
                at += channel.write(zeros, at);
            }
        }
        return at;
    }
}
