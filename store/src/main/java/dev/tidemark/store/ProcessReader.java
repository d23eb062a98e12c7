/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of a store that a writer in another process (or this one) has open: the live region's file mapped
 * read-only, read under the same protocol as a {@link StoreReader} ({@link ReaderBlockDescriptor}). It takes no lock
 * and never writes the file (the mapping is read-only), so the writer never waits for it, and a reader that dies
 * leaves nothing behind.
 * <p>
 * <b>Restarts.</b> Every read checks the status in the file's trailer before and after it. When the writer closes
 * the store, or an open (a restart after a crash, a recovery) begins to rewrite the region, the status changes; the
 * read in flight is discarded, and this reader looks for the store's live region again and maps it once the new
 * open admits readers, which a durable store does only once its log is replayed. Until then reads throw
 * {@link IllegalStateException} saying what was found; {@link #refresh()} asks without throwing. A writer killed
 * with SIGKILL changes nothing in the file: reads go on returning the state it left until a new open of the store
 * begins ({@link #isWriterAlive()} tells). {@link #generation()} counts the opens the reader has followed.
 * <p>
 * <b>What is acknowledged.</b> {@link #position()} is the log position of the writer's latest change (a durable
 * store announces it before applying the change) and {@link #durablePosition()} how far the writer last saw the log
 * durable: read {@code durablePosition()}, then the value, then {@code position()}; if the first is at least the
 * last, the value is acknowledged.
 * <p>
 * <b>A writer killed in the middle of a change</b> leaves what it was changing unreadable: a read of it retries, and
 * after some milliseconds of retries finds the writer's process gone and throws, until a new open. A writer's
 * process id reused by another process meanwhile hides its death from {@link #isWriterAlive()} and from that check.
 * <p>
 * <b>Where the region is.</b> In the store directory ({@code live.dat}) or in a live region directory (this user's
 * directory under /dev/shm by default, {@link StoreContext#liveRegionDirectory(File)}): give the reader the same
 * directory the writer was given if it is not the default. It must run as the same user as the writer.
 * <p>
 * <b>Threading.</b> One thread per reader, as for {@link StoreReader}; zero allocation once attached (a remap
 * allocates). Mappings a reader drops are left to the garbage collector, never unmapped under a read.
 */
public final class ProcessReader implements AutoCloseable
{
    private final File dir;
    private final StoreGeometry geometry;
    private final List<File> candidates = new ArrayList<>();
    private final int blockLength;
    private final long directoryInode;
    private StoreReader reader;
    private File liveFile;
    private long writerPid;
    private long remaps;
    private long retriesBefore;
    private String lastProblem = "not yet attached";
    private boolean closed;

    private ProcessReader(final File dir, final StoreGeometry geometry, final File liveRegionDirectory)
    {
        this.dir = dir;
        this.geometry = geometry;
        this.blockLength = ReaderBlockDescriptor.length(geometry.pageCount, geometry.pageSize);
        this.directoryInode = ReaderStamps.inode(dir);
        final List<File> directories = new ArrayList<>();
        if (null != liveRegionDirectory)
        {
            directories.add(liveRegionDirectory);
        }
        final File configured = StoreConfiguration.liveRegionDirectory();
        if (null != configured && !directories.contains(configured))
        {
            directories.add(configured);
        }
        final File shared = StoreConfiguration.sharedMemoryLiveRegionDirectory();
        if (null != shared && !directories.contains(shared))
        {
            directories.add(shared);
        }
        for (final File directory : directories)
        {
            candidates.add(LiveRegionFiles.file(directory, geometry.storeId));
        }
        candidates.add(new File(dir, StoreDirectory.LIVE_FILE_NAME));
    }

    /**
     * Open a reader of the store in {@code dir}, its live region where the writer's default puts it.
     *
     * @param dir the store directory.
     * @return the reader, attached if a writer has the store open and admits readers.
     * @throws TidemarkException if the directory holds no valid store header.
     */
    public static ProcessReader open(final File dir)
    {
        return open(dir, null);
    }

    /**
     * Open a reader of the store in {@code dir}.
     *
     * @param dir                 the store directory.
     * @param liveRegionDirectory the live region directory the writer was given, or null for the defaults.
     * @return the reader, attached if a writer has the store open and admits readers.
     * @throws TidemarkException if the directory holds no valid store header (missing, corrupt or foreign).
     */
    public static ProcessReader open(final File dir, final File liveRegionDirectory)
    {
        ArgumentChecks.checkNotNull(dir, "dir");
        final File headerFile = new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
        if (!headerFile.isFile())
        {
            throw new TidemarkException(TidemarkException.Category.ERROR,
                "no store to read: " + headerFile + " does not exist: dir=" + dir);
        }
        final StoreGeometry geometry;
        try (HeaderFile header = HeaderFile.readOnly(headerFile))
        {
            geometry = header.geometry();
        }
        final ProcessReader reader = new ProcessReader(dir, geometry, liveRegionDirectory);
        reader.refresh();
        return reader;
    }

    /**
     * Check the writer still has the region this reader maps and, if not, look for the store's live region again.
     *
     * @return true if attached to an open that admits readers.
     */
    public boolean refresh()
    {
        checkNotClosed();
        if (null != reader && reader.isCurrent())
        {
            return true;
        }
        detach();
        return tryAttach();
    }

    /**
     * Copy the value of a long key into a buffer; see {@link StoreReader#get(long, MutableDirectBuffer, int)}.
     *
     * @param key         the key.
     * @param destination buffer to copy the value into.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link StateStore#MISSING}.
     * @throws IllegalStateException if no writer has the store open for readers (closed, being rebuilt, or not
     *                               admitting readers yet), or this reader is closed.
     */
    public int get(final long key, final MutableDirectBuffer destination, final int offset)
    {
        while (true)
        {
            final StoreReader current = current();
            try
            {
                return current.get(key, destination, offset);
            }
            catch (final IllegalStateException ex)
            {
                rethrowIfCurrent(current, ex);
            }
        }
    }

    /**
     * Copy the value of a byte key into a buffer; see
     * {@link StoreReader#get(DirectBuffer, int, MutableDirectBuffer, int)}.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key.
     * @param destination buffer to copy the value into.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link StateStore#MISSING}.
     * @throws IllegalStateException as {@link #get(long, MutableDirectBuffer, int)}.
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final MutableDirectBuffer destination, final int offset)
    {
        while (true)
        {
            final StoreReader current = current();
            try
            {
                return current.get(key, keyOffset, destination, offset);
            }
            catch (final IllegalStateException ex)
            {
                rethrowIfCurrent(current, ex);
            }
        }
    }

    /**
     * @param key the key.
     * @return whether the long key is present.
     * @throws IllegalStateException as {@link #get(long, MutableDirectBuffer, int)}.
     */
    public boolean contains(final long key)
    {
        while (true)
        {
            final StoreReader current = current();
            try
            {
                return current.contains(key);
            }
            catch (final IllegalStateException ex)
            {
                rethrowIfCurrent(current, ex);
            }
        }
    }

    /**
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @return whether the byte key is present.
     * @throws IllegalStateException as {@link #get(long, MutableDirectBuffer, int)}.
     */
    public boolean contains(final DirectBuffer key, final int keyOffset)
    {
        while (true)
        {
            final StoreReader current = current();
            try
            {
                return current.contains(key, keyOffset);
            }
            catch (final IllegalStateException ex)
            {
                rethrowIfCurrent(current, ex);
            }
        }
    }

    /**
     * @return the number of entries after the writer's latest completed change.
     * @throws IllegalStateException as {@link #get(long, MutableDirectBuffer, int)}.
     */
    public int size()
    {
        while (true)
        {
            final StoreReader current = current();
            try
            {
                return current.size();
            }
            catch (final IllegalStateException ex)
            {
                rethrowIfCurrent(current, ex);
            }
        }
    }

    /**
     * Visit every entry; see {@link StoreReader#forEach(EntryConsumer)}. An iteration that a restart interrupts
     * throws rather than starting over: the consumer has seen part of the old state.
     *
     * @param consumer receives each key and value.
     * @return the number of visits made.
     * @throws IllegalStateException as {@link #get(long, MutableDirectBuffer, int)}, or if the writer's open changed
     *                               during the iteration.
     */
    public int forEach(final EntryConsumer consumer)
    {
        return current().forEach(consumer);
    }

    /**
     * @return the log position of the writer's latest change ({@link StoreReader#position()}).
     * @throws IllegalStateException as {@link #get(long, MutableDirectBuffer, int)}.
     */
    public long position()
    {
        while (true)
        {
            final StoreReader current = current();
            try
            {
                return current.position();
            }
            catch (final IllegalStateException ex)
            {
                rethrowIfCurrent(current, ex);
            }
        }
    }

    /**
     * @return how far the writer last saw the log durable ({@link StoreReader#durablePosition()}).
     * @throws IllegalStateException as {@link #get(long, MutableDirectBuffer, int)}.
     */
    public long durablePosition()
    {
        while (true)
        {
            final StoreReader current = current();
            try
            {
                return current.durablePosition();
            }
            catch (final IllegalStateException ex)
            {
                rethrowIfCurrent(current, ex);
            }
        }
    }

    /**
     * @return the generation of the writer's open this reader reads (one more at each open of the same file), or
     *         -1 while not attached.
     */
    public long generation()
    {
        return null == reader ? -1 : reader.generation();
    }

    /**
     * @return how many times this reader attached to a new open of the store (the first attach included).
     */
    public long remaps()
    {
        return remaps;
    }

    /**
     * @return reads repeated because the writer changed what they read, over every attachment.
     */
    public long retries()
    {
        return retriesBefore + (null == reader ? 0 : reader.retries());
    }

    /**
     * @return whether the process that opened the region this reader maps is still running (false while not
     *         attached). A writer killed with SIGKILL leaves its region's status open: this tells.
     */
    public boolean isWriterAlive()
    {
        return null != reader && ProcessHandle.of(writerPid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * @return the live region file mapped now, or null while not attached.
     */
    public File liveRegionFile()
    {
        return null == reader ? null : liveFile;
    }

    /**
     * @return the store's key length.
     */
    public int keyLength()
    {
        return geometry.keyLength;
    }

    /**
     * @return the store's largest value length.
     */
    public int maxValueLength()
    {
        return geometry.maxValueLength;
    }

    /**
     * Drop the mapping (left to the garbage collector). Idempotent; every read afterwards throws.
     */
    public void close()
    {
        closed = true;
        detach();
    }

    private StoreReader current()
    {
        checkNotClosed();
        if (null == reader && !tryAttach())
        {
            throw new IllegalStateException("no writer has the store open for readers (" + lastProblem + "): dir=" +
                dir);
        }
        return reader;
    }

    private void rethrowIfCurrent(final StoreReader current, final IllegalStateException ex)
    {
        if (current.isCurrent())
        {
            throw ex; // not a restart: a misuse, or a broken writer
        }
        detach(); // the open it read is gone: look again, and read again
        if (!tryAttach())
        {
            throw new IllegalStateException(ex.getMessage() + "; no open admits readers yet (" + lastProblem + ")",
                ex);
        }
    }

    private void detach()
    {
        if (null != reader)
        {
            retriesBefore += reader.retries();
            reader = null;
        }
    }

    private boolean tryAttach()
    {
        final StringBuilder problems = new StringBuilder();
        for (final File candidate : candidates)
        {
            final String problem = attach(candidate);
            if (null == problem)
            {
                remaps++;
                return true;
            }
            problems.append(problems.length() > 0 ? "; " : "").append(candidate).append(": ").append(problem);
        }
        lastProblem = problems.toString();
        return false;
    }

    /**
     * @return null if attached to the file, else why not.
     */
    private String attach(final File candidate)
    {
        final long expectedLength = geometry.regionLength + blockLength;
        try (FileChannel channel = FileChannel.open(
            candidate.toPath(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
        {
            final long length = channel.size();
            if (length != expectedLength)
            {
                return "length " + length + ", expected " + expectedLength;
            }
            final MappedByteBuffer blockMapping =
                channel.map(FileChannel.MapMode.READ_ONLY, geometry.regionLength, blockLength);
            final UnsafeBuffer block = new UnsafeBuffer(blockMapping);
            final int trailer = ReaderBlockDescriptor.trailerOffset(blockLength);
            if (ReaderBlockDescriptor.TRAILER_MAGIC !=
                block.getIntVolatile(trailer + ReaderBlockDescriptor.TRAILER_MAGIC_TRAILER_OFFSET) ||
                geometry.storeId != block.getLong(trailer + ReaderBlockDescriptor.STORE_ID_TRAILER_OFFSET))
            {
                return "no trailer of this store (store id " + Long.toHexString(geometry.storeId) + ")";
            }
            final long status = block.getLongVolatile(trailer + ReaderBlockDescriptor.STATUS_TRAILER_OFFSET);
            final int state = ReaderBlockDescriptor.state(status);
            if (ReaderBlockDescriptor.OPEN != state)
            {
                return "state " + ReaderBlockDescriptor.stateName(state) + ", generation " +
                    ReaderBlockDescriptor.generation(status);
            }
            if (ReaderBlockDescriptor.MAGIC != block.getIntVolatile(ReaderBlockDescriptor.MAGIC_OFFSET))
            {
                return "the writer keeps no reader stamps (StoreContext.concurrentReaders(false))";
            }
            final long inode = block.getLong(trailer + ReaderBlockDescriptor.DIRECTORY_INODE_TRAILER_OFFSET);
            if (0 != inode && 0 != directoryInode && inode != directoryInode)
            {
                return "the live region of another copy of this store (its directory's inode " + inode + ", this " +
                    "directory's " + directoryInode + ")";
            }
            final long pid = block.getLong(trailer + ReaderBlockDescriptor.WRITER_PID_TRAILER_OFFSET);
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            {
                return "open, but its writer (pid " + pid + ") is gone";
            }
            final MappedByteBuffer regionMapping =
                channel.map(FileChannel.MapMode.READ_ONLY, 0, geometry.regionLength);
            final StoreReader attached = new StoreReader(new UnsafeBuffer(regionMapping), block, geometry,
                ReaderBlockDescriptor.generation(status), dir.getPath(), false, false);
            if (!attached.isCurrent())
            {
                return "changed while mapped";
            }
            reader = attached;
            liveFile = candidate;
            writerPid = pid;
            return null;
        }
        catch (final NoSuchFileException ex)
        {
            return "absent";
        }
        catch (final IOException ex)
        {
            return "cannot map: " + ex;
        }
    }

    private void checkNotClosed()
    {
        if (closed)
        {
            throw new IllegalStateException("reader closed: dir=" + dir);
        }
    }
}
