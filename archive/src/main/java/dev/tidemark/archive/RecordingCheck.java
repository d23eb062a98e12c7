/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.TidemarkException;
import org.agrona.ErrorHandler;

import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * The recovery step that checks the recording's files before anything is replayed: it walks the frames from the
 * snapshot's position to the catalog's stop ({@link RecordingScan}) and refuses, naming what and where, a catalog stop
 * past the segment files or off a frame boundary, a missing segment, damage in the middle of the log, and (for an
 * external archive) frames past the stop. A damaged last frame is not refused here: the replay stops before it and
 * the tail is cut.
 *
 * @param badPosition the first damaged frame, where the replay must stop, or -1.
 * @param badReason   what is wrong there, or null.
 * @param dataEnd     the end of the last data frame before the stop (only padding follows it), or -1.
 * @param truncatedAt the stop, if frames past it were found and will be erased, else -1.
 */
record RecordingCheck(long badPosition, String badReason, long dataEnd, long truncatedAt)
{
    /**
     * Check the recording's frames in [from, stop).
     *
     * @param ctx          the store's settings.
     * @param files        the recording's files.
     * @param recordingId  the recording.
     * @param from         the snapshot's position.
     * @param stop         the catalog's stop position.
     * @param errorHandler receives the report of frames past the stop that will be erased.
     * @return what the replay and cut must know.
     */
    static RecordingCheck check(
        final DurableStoreContext ctx,
        final RecordingFiles files,
        final long recordingId,
        final long from,
        final long stop,
        final ErrorHandler errorHandler)
    {
        final File archiveDir = files.archiveDir();
        final long lastSegmentEnd = files.lastSegmentEnd();
        if (stop > from && stop > lastSegmentEnd)
        {
            // No crash leaves a stop past the segment files (the archive recovers a crashed recording's stop from
            // them). And asking the archive to truncate such a recording makes it list every segment up to the stop.
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " stops at position=" + stop + " in the catalog, past the end of its " +
                "segment files at position=" + lastSegmentEnd + ": the catalog is damaged or segment files were " +
                "lost; recovery refused (restore " + files.catalogFile() + " or the segment files); dir=" + ctx.dir());
        }
        final RecordingScan scan = new RecordingScan(files);
        try
        {
            scan.scan(from, stop);
        }
        catch (final IOException ex)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "cannot read recording " + recordingId + " in " + archiveDir + ": dir=" + ctx.dir(), ex);
        }
        if (scan.stopInsideFrame())
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " stops in its catalog at position=" + stop + ", which is not a frame " +
                "boundary: " + scan.badReason() + ". The catalog is damaged; recovery refused (restore " +
                archiveDir + "/archive.catalog); dir=" + ctx.dir());
        }
        if (scan.missingSegment())
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " is damaged: " + scan.badReason() + ", below the catalog's stop=" +
                stop + " (a segment file is never lost by a crash: the store forces each one before a checkpoint " +
                "or a stop depends on it); recovery refused, restore the file; dir=" + ctx.dir());
        }
        if (scan.badPosition() >= 0 && scan.frameAfterBadPosition() >= 0)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "recording " + recordingId + " is damaged in the middle: " + scan.badReason() + ", followed by a " +
                "whole frame at position=" + scan.frameAfterBadPosition() + " before the stop=" + stop +
                "; recovery refused; dir=" + ctx.dir());
        }
        long truncatedAt = -1;
        final long hiddenFrom = scan.framesPastStopUntil() >= 0 ? stop : scan.frameAfterStop();
        final List<String> laterSegments = files.segmentsAfter(stop);
        if (hiddenFrom >= 0 || !laterSegments.isEmpty())
        {
            final String what = "recording " + recordingId + " stops at position=" + stop + " in the catalog, but " +
                "its segment files hold " + (scan.framesPastStopUntil() >= 0 ? "whole frames past it up to " +
                "position=" + scan.framesPastStopUntil() : hiddenFrom >= 0 ? "a whole frame at position=" +
                hiddenFrom + " past a hole at the stop" : "later segment files " + laterSegments);
            if (!ctx.embedded())
            {
                throw new TidemarkException(TidemarkException.Category.FATAL, what + ": written but never recorded " +
                    "as durable (a failed fsync, a power loss), or a damaged catalog hiding acknowledged writes; " +
                    "recovery refused (restore the catalog, or truncate the recording at its stop with ArchiveTool); " +
                    "dir=" + ctx.dir());
            }
            // Frames the recorder wrote but whose force failed (the recording then stops before them), or that follow
            // a page a power loss lost, look just like frames a damaged catalog hides. They were never acknowledged in
            // the first cases (at SYNCED each acknowledged frame was forced); in the last the store cannot know. They
            // are erased before the recording is extended (RecordingFiles.eraseAfter), or a later recovery could read
            // them as its own.
            errorHandler.onError(new TidemarkException(TidemarkException.Category.ERROR,
                "recording " + recordingId + " truncated at position=" + stop + ": " + what + ", erased. They were " +
                "written but never recorded as durable (a failed fsync, or a power loss: not acknowledged at " +
                "SYNCED), or the catalog is damaged and writes acknowledged past position=" + stop + " are lost; " +
                "dir=" + ctx.dir()));
            truncatedAt = stop;
        }
        return new RecordingCheck(scan.badPosition(), scan.badReason(), scan.dataEnd(), truncatedAt);
    }
}
