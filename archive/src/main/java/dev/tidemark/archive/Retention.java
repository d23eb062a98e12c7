/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.TidemarkException;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ArchiveException;
import org.agrona.ErrorHandler;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * The retention policy of the recording: keep every segment a restart may need (from the older of the two snapshots'
 * positions, {@code StateStore.retainedPosition()}), purge the whole segments below it. A purge is a request to the
 * archive, so it runs from poll and after an awaited checkpoint, never inside a write. A refused purge is retried
 * every {@value #RETRY_INTERVAL_MS} ms; a failure is reported once per target. Writer thread only.
 */
final class Retention
{
    static final long RETRY_INTERVAL_MS = 10;
    private static final long RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(RETRY_INTERVAL_MS);
    private static final String DELETE_IN_PROGRESS = "another delete operation in progress";

    private final AeronArchive archive;
    private final long recordingId;
    private final int termLength;
    private final int segmentFileLength;
    private final ErrorHandler errorHandler;
    private final File dir;
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
        final File dir)
    {
        this.archive = archive;
        this.recordingId = recordingId;
        this.startPosition = startPosition;
        this.termLength = termLength;
        this.segmentFileLength = segmentFileLength;
        this.errorHandler = errorHandler;
        this.dir = dir;
    }

    /**
     * Purge below a retained position if it moved since the last purge and no retry is pending.
     *
     * @param retained the lowest position to keep.
     * @return 1 if a purge completed, else 0.
     */
    int poll(final long retained)
    {
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
                archive.purgeSegments(recordingId, newStart);
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
