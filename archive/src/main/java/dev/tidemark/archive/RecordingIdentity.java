/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import java.io.File;

/**
 * The recording a durable store extends, as its catalog entry describes it when the open finds it.
 *
 * @param recordingId       the recording's id.
 * @param startPosition     the lowest position the archive holds (retention purges below the older snapshot).
 * @param stopPosition      where the recording stopped, before any cut.
 * @param termLength        term length of the recorded stream.
 * @param segmentFileLength length of each segment file.
 * @param initialTermId     initial term id of the recorded stream.
 * @param mtuLength         MTU of the recorded stream.
 * @param streamId          stream id of the recorded stream.
 */
record RecordingIdentity(
    long recordingId,
    long startPosition,
    long stopPosition,
    int termLength,
    int segmentFileLength,
    int initialTermId,
    int mtuLength,
    int streamId)
{
    static RecordingIdentity of(final long recordingId, final RecordingDescription description)
    {
        return new RecordingIdentity(recordingId, description.startPosition, description.stopPosition,
            description.termBufferLength, description.segmentFileLength, description.initialTermId,
            description.mtuLength, description.streamId);
    }

    RecordingFiles files(final File archiveDir)
    {
        return new RecordingFiles(
            archiveDir, recordingId, startPosition, termLength, segmentFileLength, initialTermId);
    }
}
