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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The live region's file: where it goes, taking its lock, and sweeping the files killed stores left in a live region
 * directory.
 * <p>
 * Outside the store directory (in /dev/shm, a directory of this uid's own under
 * {@value StoreConfiguration#LIVE_DIR_DEFAULT}, mode 0700, so that no other user can read the state, plant a file or
 * a link at its name, or hold a stale one in the way) the file is named by the store's id, made with mode 0600,
 * never opened through a symbolic link, and held, while open, by an OS lock of its own. A process killed with
 * SIGKILL leaves its file behind, holding memory on a tmpfs until the next open of the same store reuses it, which may be never (a test's or a
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

    private static final Pattern NAME =
        Pattern.compile(Pattern.quote(PREFIX) + "[0-9a-f]{1,16}" + Pattern.quote(SUFFIX));
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

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
     * @param base the directory the default is made in ({@value StoreConfiguration#LIVE_DIR_DEFAULT}).
     * @return this user's own live region directory in it, {@code tidemark-<uid>}, or null where this process's
     *         uid cannot be read.
     */
    static File userDirectory(final File base)
    {
        final int uid = ownUid();
        return uid < 0 ? null : new File(base, "tidemark-" + uid);
    }

    /**
     * @return this process's uid (the owner of {@code /proc/self}), or -1 where it cannot be read.
     */
    static int ownUid()
    {
        try
        {
            return (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return -1;
        }
    }

    private static int uidOf(final Path path) throws IOException
    {
        return (Integer)Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Make sure a live region directory can be used: the default one is made if missing (mode 0700) and must be a
     * real directory, not a link, owned by this user and closed to everyone else; a directory the user set must be
     * a directory.
     *
     * @param dir       the directory.
     * @param isDefault whether it is the default, this user's own.
     * @return null if it can be used, else why not.
     */
    static String prepare(final File dir, final boolean isDefault)
    {
        if (!isDefault)
        {
            return dir.isDirectory() ? null : "live region directory " + dir + " is not a directory";
        }
        final Path path = dir.toPath();
        try
        {
            try
            {
                Files.createDirectory(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            }
            catch (final FileAlreadyExistsException ignore)
            {
                // checked below, as one made now is
            }
            final PosixFileAttributes attributes =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory())
            {
                return "live region directory " + dir + " is not a directory (a link or a file is in its place)";
            }
            final int owner = uidOf(path);
            if (owner != ownUid())
            {
                return "live region directory " + dir + " belongs to uid " + owner + ", not to this process's uid " +
                    ownUid() + " (" + attributes.owner().getName() + " made it)";
            }
            final Set<PosixFilePermission> open = EnumSet.copyOf(attributes.permissions());
            open.retainAll(GROUP_OR_OTHERS);
            if (!open.isEmpty())
            {
                return "live region directory " + dir + " is open to others (" +
                    PosixFilePermissions.toString(attributes.permissions()) + "; it must be rwx------)";
            }
            return null;
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return "live region directory " + dir + " cannot be made or checked: " + ex;
        }
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
        final boolean created = createIfMissing(path);
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
        boolean locked = false;
        try
        {
            channel = FileChannel.open(
                path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
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
                if (!isOwnRegularFile(path))
                {
                    // Another user's file at the store's name in a shared directory: never write the state into
                    // a file someone else can read, nor read theirs as the store's.
                    throw new TidemarkException(TidemarkException.Category.ERROR, "live region file " + file +
                        " is not a regular file of this process's uid " + ownUid() + ": refusing to use it");
                }
                locked = true;
                return new Locked(file, channel, lock, claim, created);
            }
            return null;
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        finally
        {
            if (!locked)
            {
                CloseHelper.quietClose(channel);
                JvmFileLocks.release(claim);
            }
        }
    }

    private static boolean createIfMissing(final Path path) throws IOException
    {
        try
        {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            return true;
        }
        catch (final FileAlreadyExistsException ex)
        {
            return false;
        }
        catch (final UnsupportedOperationException ex)
        {
            return JvmFileLocks.createIfMissing(path); // no POSIX permissions here
        }
    }

    /**
     * Delete the live region files in {@code dir} that no process holds and that are older than
     * {@link #STALE_AGE_MS}: regular files named exactly {@code tidemark-live-<hex id>.dat}, owned by this user;
     * never one this JVM holds (a channel opened on it and closed would drop its lock). The age is a courtesy to an
     * open elsewhere that has just made its file: a tmpfs does not move a file's time for writes through a mapping,
     * so an open store's file is kept by its lock alone.
     *
     * @param dir          a live region directory (the store directory only if the user set it so).
     * @param errorHandler told of a file that could not be deleted.
     * @return how many were deleted.
     */
    static int sweep(final File dir, final ErrorHandler errorHandler)
    {
        final File[] files = dir.listFiles((d, name) -> NAME.matcher(name).matches());
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

    /**
     * Delete one live region file nobody holds, telling its readers first ({@link #markTrailer}): a killed store's.
     *
     * @return true if deleted.
     */
    static boolean sweepOne(final File file, final ErrorHandler errorHandler)
    {
        final Path path = file.toPath();
        synchronized (JvmFileLocks.MONITOR)
        {
            final String claim = JvmFileLocks.keyOrNull(path);
            if (null == claim || !isOwnRegularFile(path) || !JvmFileLocks.claimKey(claim))
            {
                return false; // gone, not a file of this user's, or held in this JVM
            }
            FileChannel channel = null;
            try
            {
                channel = FileChannel.open(
                    path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                final FileLock lock = channel.tryLock();
                // Unlinked under its lock, so that no opener locks the name it is about to lose.
                if (null != lock && claim.equals(JvmFileLocks.keyOrNull(path)))
                {
                    // A reader in another process may still map it: tell it the region is gone for good.
                    markTrailer(channel, -1, ReaderBlockDescriptor.CLOSED);
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

    /**
     * Set the state in a live region file's trailer (its last {@value ReaderBlockDescriptor#TRAILER_LENGTH} bytes,
     * {@link ReaderBlockDescriptor}), keeping its generation, through a mapping and with a full fence after, so
     * that a reader in another process that sees any later write to the file also sees the new state. A file
     * without a valid trailer (new, short, of another layout, or of another store) is left alone.
     *
     * @param channel a channel open for reading and writing on the file.
     * @param storeId the store the trailer must name, or -1 for any.
     * @param state   the state to set.
     * @return the trailer's generation, or -1 if it had no valid trailer.
     * @throws IOException if the file cannot be read or mapped.
     */
    static long markTrailer(final FileChannel channel, final long storeId, final int state) throws IOException
    {
        final long size = channel.size();
        // The block is whole store pages (512 bytes at the least), so the file's last 64 bytes are its trailer.
        if (size < ReaderBlockDescriptor.TRAILER_LENGTH || 0 != (size & (ReaderBlockDescriptor.TRAILER_LENGTH - 1)))
        {
            return -1;
        }
        final java.nio.MappedByteBuffer mapping = channel.map(
            FileChannel.MapMode.READ_WRITE, size - ReaderBlockDescriptor.TRAILER_LENGTH,
            ReaderBlockDescriptor.TRAILER_LENGTH);
        try
        {
            final org.agrona.concurrent.UnsafeBuffer trailer = new org.agrona.concurrent.UnsafeBuffer(mapping);
            if (ReaderBlockDescriptor.TRAILER_MAGIC !=
                trailer.getInt(ReaderBlockDescriptor.TRAILER_MAGIC_TRAILER_OFFSET) ||
                (-1 != storeId && storeId != trailer.getLong(ReaderBlockDescriptor.STORE_ID_TRAILER_OFFSET)))
            {
                return -1;
            }
            final long generation = ReaderBlockDescriptor.generation(
                trailer.getLongVolatile(ReaderBlockDescriptor.STATUS_TRAILER_OFFSET));
            trailer.putLongVolatile(
                ReaderBlockDescriptor.STATUS_TRAILER_OFFSET, ReaderBlockDescriptor.status(generation, state));
            java.lang.invoke.VarHandle.fullFence();
            return generation;
        }
        finally
        {
            org.agrona.IoUtil.unmap(mapping);
        }
    }

    /**
     * After a successful open, retire the store's live region files in the places this open did not use, which an
     * earlier open (before the default moved, or a fallback) left and no open of this store reads again: readers
     * still mapping one are told it is closed, and its memory or disk space is given back. A {@code live.dat} in the
     * store directory is ours under the store's lock; a file elsewhere only if nobody holds it (a copy of the store
     * directory, with the same id, may be running). Best effort.
     */
    static void retireOthers(
        final StoreDirectory directory, final File used, final long storeId, final StoreContext ctx)
    {
        if (!used.equals(directory.liveFile()))
        {
            try
            {
                markClosed(directory.liveFile());
                Files.deleteIfExists(directory.liveFile().toPath());
            }
            catch (final IOException ex)
            {
                ctx.errorHandler().onError(new TidemarkException(TidemarkException.Category.ERROR,
                    "cannot delete the unused " + directory.liveFile() + ": dir=" + directory.dir(), ex));
            }
        }
        final File shared = StoreConfiguration.sharedMemoryLiveRegionDirectory();
        for (final File dir : new File[]{ ctx.liveRegionDirectory(), shared })
        {
            final File other = null == dir ? null : file(dir, storeId);
            if (null != other && !other.equals(used) && other.exists())
            {
                sweepOne(other, ctx.errorHandler());
            }
        }
    }

    /**
     * {@link #markTrailer} {@link ReaderBlockDescriptor#CLOSED} on a file about to be deleted, if it exists.
     *
     * @param file the live region file.
     * @throws IOException if it exists but cannot be opened or marked.
     */
    static void markClosed(final File file) throws IOException
    {
        final Path path = file.toPath();
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
        {
            return;
        }
        try (FileChannel channel = FileChannel.open(
            path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))
        {
            markTrailer(channel, -1, ReaderBlockDescriptor.CLOSED);
        }
        catch (final NoSuchFileException ex)
        {
            // gone meanwhile
        }
    }

    private static boolean isOwnRegularFile(final Path path)
    {
        try
        {
            final PosixFileAttributes attributes =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() && uidOf(path) == ownUid();
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return false;
        }
    }
}
