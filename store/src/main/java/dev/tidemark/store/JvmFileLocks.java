/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files this JVM holds an OS lock on, so that a second opener in the same JVM is refused <b>before</b> it opens
 * a channel on one.
 * <p>
 * The OS lock a {@link java.nio.channels.FileChannel#tryLock()} takes on Linux is a POSIX record lock, owned by the
 * process: closing <i>any</i> descriptor the process has on the file drops it. A refused second open that opened its
 * own channel, saw {@link java.nio.channels.OverlappingFileLockException} and closed the channel would so silently
 * unlock the store it was refused for, and another process could then open that store beside it. Claiming the file
 * here first means such a channel is never opened.
 */
final class JvmFileLocks
{
    /**
     * Held across each whole sequence that takes a lock (create, claim, open, lock) and each that gives one up
     * (unlink, close, release), so that in this JVM no name is unlinked and recreated between a claim's look at the
     * file and the open of its name.
     */
    static final Object MONITOR = new Object();

    private static final Set<String> HELD = ConcurrentHashMap.newKeySet();

    private JvmFileLocks()
    {
    }

    /**
     * Create a file if it is missing, atomically, without holding a descriptor on it afterwards.
     *
     * @param path the file.
     * @return true if this call created it.
     * @throws IOException if it can be neither created nor found.
     */
    static boolean createIfMissing(final Path path) throws IOException
    {
        try
        {
            Files.createFile(path);
            return true;
        }
        catch (final FileAlreadyExistsException ex)
        {
            return false;
        }
    }

    /**
     * Claim an existing file for this JVM, by its identity on the file system (device and inode where the platform
     * gives them), so that a second path to the same file (a link, a bind mount) is the same claim.
     *
     * @param path the file to lock, which must exist.
     * @return the claim's key, for {@link #release(String)}; null if this JVM already holds the file.
     * @throws IOException if the file cannot be read.
     */
    static String claim(final Path path) throws IOException
    {
        final String key = key(path);
        return HELD.add(key) ? key : null;
    }

    /**
     * Claim a file for this JVM by the identity {@link #keyOrNull(Path)} gave.
     *
     * @param key the file's identity.
     * @return true if claimed; false if this JVM already holds it.
     */
    static boolean claimKey(final String key)
    {
        return HELD.add(key);
    }

    /**
     * @return the identity a claim of the file now at {@code path} would have, or null if there is none.
     */
    static String keyOrNull(final Path path)
    {
        try
        {
            return key(path);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private static String key(final Path path) throws IOException
    {
        final Object fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        return null != fileKey ? fileKey.toString() : path.toRealPath().toString();
    }

    /**
     * Give a claim back, after the channel that held the lock was closed.
     *
     * @param key what {@link #claim(File)} returned; null is ignored.
     */
    static void release(final String key)
    {
        if (null != key)
        {
            HELD.remove(key);
        }
    }

    /**
     * Give up a locked file: unlink it (if asked) while its lock is still held, so that no other opener can lock the
     * name it is about to lose, then close the channel that holds the lock, then give the claim back; under
     * {@link #MONITOR}, as one step.
     *
     * @param unlink  the file to delete first, or null to keep it.
     * @param channel the channel holding the lock.
     * @param claim   what {@link #claim(Path)} returned, or null.
     */
    static void unlinkCloseRelease(final File unlink, final FileChannel channel, final String claim)
    {
        synchronized (MONITOR)
        {
            if (null != unlink)
            {
                IoUtil.delete(unlink, true);
            }
            CloseHelper.quietClose(channel);
            release(claim);
        }
    }
}
