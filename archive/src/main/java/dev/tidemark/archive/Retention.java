/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.TidemarkException;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ArchiveException;
import org.agrona.ErrorHandler;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The retention policy of the recording: keep every segment a restart may need (from the older of the two snapshots'
 * positions, {@code StateStore.retainedPosition()}), drop the whole segments below it. A drop is a request to the
 * archive, so it runs from poll and after an awaited checkpoint, never inside a write. A refused drop is retried
 * every {@value #RETRY_INTERVAL_MS} ms; a failure is reported once per target. Writer thread only.
 * <p>
 * With an external archive the drop is a purge: the archive detaches the segments and deletes their files. With the
 * embedded archive the segments are detached (the catalog's start moves up) and their files deleted here, on a
 * thread of this class's own: the archive deletes on its conductor thread, which also records, and deleting a 32 MiB
 * file can take tens of milliseconds (ext4 mounted with {@code discard} frees its blocks synchronously), every RECORDED
 * acknowledgement waiting behind it.
 */
final class Retention implements AutoCloseable
{
    static final long RETRY_INTERVAL_MS = 10;
    private static final long RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(RETRY_INTERVAL_MS);
    private static final String DELETE_IN_PROGRESS = "another delete operation in progress";

    private static final File POISON = new File("");

    private final AeronArchive archive;
    private final long recordingId;
    private final int termLength;
    private final int segmentFileLength;
    private final ErrorHandler errorHandler;
    private final File dir;
    private final File archiveDir;
    private final LinkedBlockingQueue<File> doomed;
    private Thread deleter;
    private long startPosition;
    private long purgedBelow = Long.MIN_VALUE;
    private long nextAttemptNs = System.nanoTime();
    private long lastReportedFailure = Long.MIN_VALUE;

    Retention(
        final AeronArchive archive,
        final long recordingId,
        final long startPosition,
        final int termLength,
        final int segmentFileLength,
        final ErrorHandler errorHandler,
        final File dir,
        final File archiveDir)
    {
        this.archive = archive;
        this.recordingId = recordingId;
        this.startPosition = startPosition;
        this.termLength = termLength;
        this.segmentFileLength = segmentFileLength;
        this.errorHandler = errorHandler;
        this.dir = dir;
        this.archiveDir = archiveDir;
        if (null != archiveDir)
        {
            doomed = new LinkedBlockingQueue<>();
            // Segments a crash left between their detach and their delete: below the start, never read again.
            final String prefix = recordingId + "-";
            final File[] files = archiveDir.listFiles((d, name) -> name.startsWith(prefix) && name.endsWith(".rec"));
            for (final File file : null == files ? new File[0] : files)
            {
                final String base = file.getName().substring(prefix.length(), file.getName().length() - 4);
                if (base.chars().allMatch(Character::isDigit) && !base.isEmpty() && Long.parseLong(base) +
                    segmentFileLength <= startPosition)
                {
                    doomed.add(file);
                }
            }
            // The thread starts when there is something to delete (the first poll, a purge, or the close), so that
            // an open failing after this constructor leaves no thread behind.
        }
        else
        {
            doomed = null;
        }
    }

    /**
     * Purge below a retained position if it moved since the last purge and no retry is pending.
     *
     * @param retained the lowest position to keep.
     * @return 1 if a purge completed, else 0.
     */
    int poll(final long retained)
    {
        startDeleterIfQueued();
        if (retained != purgedBelow && System.nanoTime() - nextAttemptNs >= 0 && purgeBelow(retained))
        {
            purgedBelow = retained;
            return 1;
        }
        return 0;
    }

    /**
     * Purge below a retained position now (after an awaited checkpoint); a refusal is left to the next poll.
     *
     * @param retained the lowest position to keep.
     */
    void purgeNow(final long retained)
    {
        if (purgeBelow(retained))
        {
            purgedBelow = retained;
        }
    }

    /**
     * @return the lowest position the archive still holds for the recording.
     */
    long startPosition()
    {
        return startPosition;
    }

    private boolean purgeBelow(final long retained)
    {
        final long newStart = AeronArchive.segmentFileBasePosition(
            startPosition, retained, termLength, segmentFileLength);
        if (newStart > startPosition)
        {
            try
            {
                if (null == archiveDir)
                {
                    archive.purgeSegments(recordingId, newStart);
                }
                else
                {
                    archive.detachSegments(recordingId, newStart);
                    for (long base = AeronArchive.segmentFileBasePosition(
                        startPosition, startPosition, termLength, segmentFileLength);
                        base < newStart; base += segmentFileLength)
                    {
                        doomed.add(new File(archiveDir, recordingId + "-" + base + ".rec"));
                    }
                    startDeleterIfQueued();
                }
                startPosition = newStart;
            }
            catch (final ArchiveException ex)
            {
                // The archive deletes segment files in a session of its own after answering; while that runs it
                // refuses another purge of the recording. Not an error: the next poll() asks again.
                if (null == ex.getMessage() || !ex.getMessage().contains(DELETE_IN_PROGRESS))
                {
                    reportFailure(newStart, ex);
                }
                nextAttemptNs = System.nanoTime() + RETRY_INTERVAL_NS;
                return false;
            }
            catch (final RuntimeException ex)
            {
                reportFailure(newStart, ex);
                nextAttemptNs = System.nanoTime() + RETRY_INTERVAL_NS;
                return false;
            }
        }
        return true;
    }

    private void startDeleterIfQueued()
    {
        if (null == deleter && null != doomed && !doomed.isEmpty())
        {
            deleter = new Thread(this::deleteDetached, "tidemark-retention");
            deleter.setDaemon(true);
            deleter.start();
        }
    }

    private void deleteDetached()
    {
        while (true)
        {
            final File file;
            try
            {
                file = doomed.take();
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (file == POISON)
            {
                return;
            }
            try
            {
                Files.deleteIfExists(file.toPath());
            }
            catch (final IOException | RuntimeException ex)
            {
                errorHandler.onError(new TidemarkException(TidemarkException.Category.ERROR,
                    "could not delete detached segment " + file + " (the archive no longer reads it; delete it by " +
                    "hand): dir=" + dir, ex));
            }
        }
    }

    /**
     * Delete what is detached and still queued, then stop the deleting thread.
     */
    public void close()
    {
        startDeleterIfQueued();
        if (null != deleter)
        {
            doomed.add(POISON);
            boolean interrupted = false;
            while (deleter.isAlive())
            {
                try
                {
                    deleter.join();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void reportFailure(final long newStart, final RuntimeException ex)
    {
        if (newStart == lastReportedFailure)
        {
            return; // said once per target; poll() keeps retrying
        }
        lastReportedFailure = newStart;
        errorHandler.onError(new TidemarkException(TidemarkException.Category.ERROR,
            "purge of recording " + recordingId + " below position=" + newStart + " failed; retried by the next " +
            "poll(): dir=" + dir, ex));
    }
}
