/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The live region's file: where it goes, taking its lock, and sweeping the files killed stores left in a live region
 * directory.
 * <p>
 * Outside the store directory (by default in {@value StoreConfiguration#LIVE_DIR_DEFAULT}) the file is named by the
 * store's id and held, while open, by an OS lock of its own. A process killed with SIGKILL leaves its file behind,
 * holding memory on a tmpfs until the next open of the same store reuses it, which may be never (a test's or a
 * crashed host's store directory deleted). So each open in such a directory first deletes the files of this naming
 * that nobody holds locked and that were not modified for {@link #STALE_AGE_MS}: a live region is never trusted
 * after its store closed or died (every open rebuilds it from a snapshot), so deleting one loses nothing.
 * <p>
 * A sweep in another process may hold a file's lock for a moment, or unlink it, while this open takes it: the lock
 * is retried for {@link #LOCK_ATTEMPTS} attempts (about a millisecond apart), and a lock taken on a name unlinked
 * meanwhile is given up and the file made again. After the retries a file another process still holds is refused
 * as in use.
 */
final class LiveRegionFiles
{
    /**
     * The name of a live region file outside the store directory: this, the store's id in hex, {@link #SUFFIX}.
     */
    static final String PREFIX = "tidemark-live-";

    /**
     * The end of a live region file's name outside the store directory.
     */
    static final String SUFFIX = ".dat";

    /**
     * A live region file nobody holds is swept only once it is at least this old, so that an open in another
     * process that has just made it and not yet locked it rarely has to make it again.
     */
    static final long STALE_AGE_MS = 10_000;

    /**
     * Attempts at a live region file's lock, a millisecond or so apart, before a file another process holds is
     * refused as in use.
     */
    static final int LOCK_ATTEMPTS = 50;

    /**
     * A live region file locked by this open.
     *
     * @param file    the file.
     * @param channel the channel holding its lock.
     * @param lock    the lock.
     * @param claim   this JVM's claim on it ({@link JvmFileLocks}).
     * @param created whether this open made the file.
     */
    record Locked(File file, FileChannel channel, FileLock lock, String claim, boolean created)
    {
    }

    private LiveRegionFiles()
    {
    }

    /**
     * @param dir     a live region directory (not the store directory).
     * @param storeId the store's id.
     * @return the store's live region file in it.
     */
    static File file(final File dir, final long storeId)
    {
        return new File(dir, PREFIX + Long.toHexString(storeId) + SUFFIX);
    }

    /**
     * @param dir         the live region directory.
     * @param regionBytes the live region's length.
     * @param existing    the store's file in it, which may already hold some of the room.
     * @return whether the directory has room for the region and {@link StoreConfiguration#LIVE_DIR_DEFAULT_HEADROOM}.
     */
    static boolean hasRoom(final File dir, final long regionBytes, final File existing)
    {
        // A tmpfs that runs out under the mapping raises SIGBUS in the writer, so the room is checked before the
        // mapping is made, counting what a file of an earlier open already holds.
        final long needed = regionBytes - (existing.isFile() ? existing.length() : 0) +
            StoreConfiguration.LIVE_DIR_DEFAULT_HEADROOM;
        return dir.getUsableSpace() >= needed;
    }

    /**
     * Create the file if missing and take its lock, retried while a sweep elsewhere holds or unlinks it.
     *
     * @param file  the live region file.
     * @param inUse the refusal when this JVM or another process holds it.
     * @return the file, locked.
     * @throws IOException if the file can be neither made nor opened.
     */
    static Locked lock(final File file, final Supplier<TidemarkException> inUse) throws IOException
    {
        final Path path = file.toPath();
        for (int attempt = 1; ; attempt++)
        {
            synchronized (JvmFileLocks.MONITOR)
            {
                final Locked locked = tryLock(path, file, inUse);
                if (null != locked)
                {
                    return locked;
                }
            }
            if (attempt >= LOCK_ATTEMPTS)
            {
                throw inUse.get();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static Locked tryLock(final Path path, final File file, final Supplier<TidemarkException> inUse)
        throws IOException
    {
        // Made atomically, so that of two opens racing only the one that made it deletes it if refused; claimed in
        // this JVM before a channel is opened on it, since closing a second channel would drop the first's lock.
        final boolean created = JvmFileLocks.createIfMissing(path);
        final String claim;
        try
        {
            claim = JvmFileLocks.claim(path);
        }
        catch (final NoSuchFileException ex)
        {
            return null; // swept since: make it again
        }
        if (null == claim)
        {
            throw inUse.get();
        }
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                lock = null;
            }
            // Held, and still the file at the name: not unlinked by a sweep between the claim and the lock.
            if (null != lock && claim.equals(JvmFileLocks.keyOrNull(path)))
            {
                final Locked locked = new Locked(file, channel, lock, claim, created);
                channel = null;
                return locked;
            }
            return null;
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        finally
        {
            if (null != channel)
            {
                CloseHelper.quietClose(channel);
                JvmFileLocks.release(claim);
            }
        }
    }

    /**
     * Delete the live region files in {@code dir} that no process holds and that are older than
     * {@link #STALE_AGE_MS}; never one this JVM holds (a channel opened on it and closed would drop its lock).
     *
     * @param dir          a live region directory (never a store directory).
     * @param errorHandler told of a file that could not be deleted.
     * @return how many were deleted.
     */
    static int sweep(final File dir, final ErrorHandler errorHandler)
    {
        final File[] files = dir.listFiles((d, name) -> name.startsWith(PREFIX) && name.endsWith(SUFFIX));
        if (null == files)
        {
            return 0;
        }
        final long staleBefore = System.currentTimeMillis() - STALE_AGE_MS;
        int swept = 0;
        for (final File file : files)
        {
            if (file.lastModified() < staleBefore && sweepOne(file, errorHandler))
            {
                swept++;
            }
        }
        return swept;
    }

    private static boolean sweepOne(final File file, final ErrorHandler errorHandler)
    {
        final Path path = file.toPath();
        synchronized (JvmFileLocks.MONITOR)
        {
            final String claim = JvmFileLocks.keyOrNull(path);
            if (null == claim || !JvmFileLocks.claimKey(claim))
            {
                return false; // gone, or held in this JVM
            }
            FileChannel channel = null;
            try
            {
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                final FileLock lock = channel.tryLock();
                // Unlinked under its lock, so that no opener locks the name it is about to lose.
                if (null != lock && claim.equals(JvmFileLocks.keyOrNull(path)))
                {
                    Files.delete(path);
                    return true;
                }
                return false;
            }
            catch (final NoSuchFileException | AccessDeniedException | OverlappingFileLockException ex)
            {
                return false; // gone, another user's, or locked by this JVM through another path
            }
            catch (final IOException ex)
            {
                errorHandler.onError(new TidemarkException(TidemarkException.Category.ERROR,
                    "cannot delete the stale live region file " + file + " a killed store left behind", ex));
                return false;
            }
            finally
            {
                CloseHelper.quietClose(channel);
                JvmFileLocks.release(claim);
            }
        }
    }
}
