/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import org.agrona.CloseHelper;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.ClosedChannelException;

/**
 * Forces the store's recording to disk up to a position before a checkpoint at that position commits, so that a
 * snapshot is never ahead of the log as the disk holds it.
 * <p>
 * At archive fileSyncLevel 0 the recording position counter only says the recorder has written to the page cache:
 * after a power loss the segment files (and the catalog entry that says the recording is open) can end well before
 * it, while the snapshot, which the store forces, survives. So each checkpoint first forces the segment files that
 * hold the log from the last forced position up to its position (an fsync of a file flushes that file's dirty
 * pages whoever wrote them), fsyncs the archive directory when a segment file was created since, and forces the
 * catalog. At fileSyncLevel 1 or more the segments are already forced by the recorder and this costs a few system
 * calls on clean files.
 * <p>
 * Used on the checkpointer's thread only. Needs the archive's directory on this host: the embedded archive's, or an
 * external archive's given with {@link DurableStoreContext#archiveDirectory(File)}.
 */
final class RecordingForcer implements AutoCloseable
{
    private final RecordingFiles files;
    private final File archiveDir;
    private final int segmentLength;
    private long forcedPosition;
    private long openSegmentBase = -1;
    private RandomAccessFile openSegment;
    private RandomAccessFile catalog;
    private boolean directoriesForced;
    private long directorySyncedBase = -1;

    /**
     * @param files          the recording's files.
     * @param startPosition  the recording's start position.
     * @param forcedPosition the position up to which the log is known to be on disk (the restored snapshot's).
     */
    RecordingForcer(final RecordingFiles files, final long startPosition, final long forcedPosition)
    {
        this.files = files;
        this.archiveDir = files.archiveDir();
        this.segmentLength = files.segmentLength();
        this.forcedPosition = Math.max(startPosition, forcedPosition);
    }

    /**
     * Make the recording durable on disk up to a position.
     *
     * @param position the position a snapshot is about to commit at.
     * @throws IOException if a segment holding the log below the position is missing or a force fails.
     */
    void forceTo(final long position) throws IOException
    {
        // Files are forced through descriptors no interrupt can close (FileDescriptor.sync, an fsync), so a force is
        // never repeated over an error it hid. The directories are forced through channels, which an interrupt of
        // the thread in one closes (the checkpointer may be a thread of the user's): forcing is idempotent, so an
        // interrupted pass is repeated with the interrupt status cleared, then set again.
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    forceToOnce(position);
                    return;
                }
                catch (final ClosedChannelException ex)
                {
                    if (!Thread.interrupted())
                    {
                        throw ex;
                    }
                    interrupted = true;
                    CloseHelper.quietClose(openSegment);
                    openSegment = null;
                    openSegmentBase = -1;
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void forceToOnce(final long position) throws IOException
    {
        if (!directoriesForced)
        {
            // The archive directory and its catalog were created by an archive launch: their entries must be on disk
            // too, or a power loss can leave a store whose archive has no catalog.
            RecordingFiles.forceDirectory(archiveDir);
            final File parent = archiveDir.getAbsoluteFile().getParentFile();
            if (null != parent)
            {
                RecordingFiles.forceDirectory(parent);
            }
            directoriesForced = true;
        }
        if (position > forcedPosition)
        {
            final long lastBase = segmentBase(position - 1);
            for (long base = segmentBase(forcedPosition); base <= lastBase; base += segmentLength)
            {
                try
                {
                    segment(base).getFD().sync();
                }
                catch (final java.io.SyncFailedException ex)
                {
                    throw new IOException("fsync of the segment file of recording " + files.recordingId() +
                        " from position=" + base + " failed (a write-back error: EIO or ENOSPC): " +
                        files.segmentFile(base), ex);
                }
            }
            if (lastBase > directorySyncedBase)
            {
                // A segment file created since the directory was last forced (after a reopen, any the crashed
                // session created): its directory entry too.
                RecordingFiles.forceDirectory(archiveDir);
                directorySyncedBase = lastBase;
            }
            forcedPosition = position;
        }
        forceCatalog();
    }

    /**
     * Force the catalog alone: after the recording was extended (its entry now says "recording"), so that a power
     * loss cannot leave the stop of the last session's close beside frames forced later.
     *
     * @throws IOException if the force fails.
     */
    void forceCatalog() throws IOException
    {
        // One descriptor for the forcer's life, opened at its first force (during the open) and kept: Linux reports
        // a write-back error once to each descriptor open when it happened, so a descriptor opened for each force
        // could miss an error the archive's own force was told of and moved past.
        if (null == catalog)
        {
            catalog = new RandomAccessFile(files.catalogFile(), "r");
        }
        try
        {
            catalog.getFD().sync();
        }
        catch (final java.io.SyncFailedException ex)
        {
            throw new IOException("fsync of the archive's catalog failed (a write-back error: EIO or ENOSPC): " +
                files.catalogFile(), ex);
        }
    }

    private RandomAccessFile segment(final long base) throws IOException
    {
        if (base != openSegmentBase)
        {
            CloseHelper.close(openSegment);
            openSegment = null;
            openSegmentBase = -1;
            final File file = files.segmentFile(base);
            if (!file.exists())
            {
                throw new IOException("segment file of recording " + files.recordingId() + " holding the log from " +
                    "position=" + base + " is missing, so the log cannot be made durable: " + file);
            }
            openSegment = new RandomAccessFile(file, "rw");
            openSegmentBase = base;
        }
        return openSegment;
    }

    private long segmentBase(final long position)
    {
        return files.segmentBase(position);
    }

    public void close()
    {
        CloseHelper.quietClose(catalog);
        catalog = null;
        CloseHelper.quietClose(openSegment);
        openSegment = null;
        openSegmentBase = -1;
    }
}
