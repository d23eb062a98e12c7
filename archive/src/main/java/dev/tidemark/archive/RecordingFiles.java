/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import io.aeron.archive.client.AeronArchive;
import io.aeron.protocol.DataHeaderFlyweight;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's recording as files in an archive directory on this host: where a position's segment file is, the
 * catalog, and the few changes the store makes to them itself. Aeron names a segment file
 * {@code <recordingId>-<segment base position>.rec}, every segment on a grid of segment lengths from the start of the
 * recording's first term, and creates each at its full length.
 * <p>
 * Changes are made only to the embedded archive's files (the store's lock proves their last owner dead) and only
 * while the recording is stopped: see {@link #eraseAfter(long)} and {@link #prepareTruncate(long, int)}.
 */
final class RecordingFiles
{
    static final String CATALOG_FILE_NAME = "archive.catalog";
    private static final String SEGMENT_SUFFIX = ".rec";

    private final File archiveDir;
    private final long recordingId;
    private final long startPosition;
    private final int termLength;
    private final int segmentLength;
    private final int initialTermId;
    private final int positionBitsToShift;

    RecordingFiles(
        final File archiveDir,
        final long recordingId,
        final long startPosition,
        final int termLength,
        final int segmentLength,
        final int initialTermId)
    {
        this.archiveDir = archiveDir;
        this.recordingId = recordingId;
        this.startPosition = startPosition;
        this.termLength = termLength;
        this.segmentLength = segmentLength;
        this.initialTermId = initialTermId;
        this.positionBitsToShift = Integer.numberOfTrailingZeros(termLength);
    }

    File archiveDir()
    {
        return archiveDir;
    }

    long recordingId()
    {
        return recordingId;
    }

    int termLength()
    {
        return termLength;
    }

    int segmentLength()
    {
        return segmentLength;
    }

    int initialTermId()
    {
        return initialTermId;
    }

    int positionBitsToShift()
    {
        return positionBitsToShift;
    }

    /**
     * @param position a position of the recording.
     * @return the base position of the segment file holding it.
     */
    long segmentBase(final long position)
    {
        return AeronArchive.segmentFileBasePosition(startPosition, position, termLength, segmentLength);
    }

    /**
     * @param base a segment base position.
     * @return that segment's file.
     */
    File segmentFile(final long base)
    {
        return new File(archiveDir, recordingId + "-" + base + SEGMENT_SUFFIX);
    }

    File catalogFile()
    {
        return new File(archiveDir, CATALOG_FILE_NAME);
    }

    /**
     * @param position a position of the recording.
     * @return the names of the recording's segment files that start past the segment holding it, in no order.
     */
    List<String> segmentsAfter(final long position)
    {
        final long base = segmentBase(position);
        final List<String> found = new ArrayList<>();
        final String[] names = archiveDir.list();
        if (null != names)
        {
            for (final String name : names)
            {
                if (baseOf(name) > base)
                {
                    found.add(name);
                }
            }
        }
        return found;
    }

    /**
     * @param name a file name in the archive directory.
     * @return the segment base position it names for this recording, or -1 if it is not one of its segment files.
     */
    private long baseOf(final String name)
    {
        final String prefix = recordingId + "-";
        if (!name.startsWith(prefix) || !name.endsWith(SEGMENT_SUFFIX))
        {
            return -1;
        }
        try
        {
            return Long.parseLong(name.substring(prefix.length(), name.length() - SEGMENT_SUFFIX.length()));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * @return the end position of the recording's highest segment file, or -1 if it has none.
     */
    long lastSegmentEnd()
    {
        long highest = -1;
        final String[] names = archiveDir.list();
        if (null != names)
        {
            for (final String name : names)
            {
                highest = Math.max(highest, baseOf(name));
            }
        }
        return highest < 0 ? -1 : highest + segmentLength;
    }

    /**
     * Leave nothing of the recording past a position, before it is extended from there: cut the segment file holding
     * it at the position and give it back its length (zeros after the cut, as the archive's own truncation does),
     * delete later segment files, and force both.
     *
     * @param stop the position the recording is about to be extended from.
     * @throws IOException if a file cannot be changed or forced.
     */
    void eraseAfter(final long stop) throws IOException
    {
        final long base = segmentBase(stop);
        final File segment = segmentFile(base);
        if (segment.exists())
        {
            try (FileChannel channel = FileChannel.open(segment.toPath(), StandardOpenOption.WRITE))
            {
                if (channel.size() > stop - base)
                {
                    channel.truncate(stop - base);
                    channel.write(ByteBuffer.wrap(new byte[1]), segmentLength - 1);
                    channel.force(true);
                }
            }
        }
        final List<String> later = segmentsAfter(stop);
        if (!later.isEmpty())
        {
            for (final String name : later)
            {
                Files.deleteIfExists(new File(archiveDir, name).toPath());
            }
            forceDirectory(archiveDir);
        }
    }

    /**
     * The archive truncates a recording only at a frame header of its stream; write one at a position whose header
     * is torn, so the cut can be made there. A position at a segment's start needs none.
     *
     * @param position the position to cut at.
     * @param streamId the recording's stream id.
     * @throws IOException if the segment file cannot be written.
     */
    void prepareTruncate(final long position, final int streamId) throws IOException
    {
        final long base = segmentBase(position);
        final File segment = segmentFile(base);
        if (position == base || !segment.exists() ||
            segment.length() < position - base + DataHeaderFlyweight.HEADER_LENGTH)
        {
            return;
        }
        final ByteBuffer header = ByteBuffer.allocate(DataHeaderFlyweight.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(DataHeaderFlyweight.TERM_OFFSET_FIELD_OFFSET, (int)(position & (termLength - 1)))
            .putInt(DataHeaderFlyweight.STREAM_ID_FIELD_OFFSET, streamId)
            .putInt(DataHeaderFlyweight.TERM_ID_FIELD_OFFSET, initialTermId + (int)(position >>> positionBitsToShift));
        try (FileChannel channel = FileChannel.open(segment.toPath(), StandardOpenOption.WRITE))
        {
            channel.write(header, position - base);
        }
    }

    /**
     * fsync a directory, so the entries of files created or deleted in it are durable.
     *
     * @param directory the directory.
     * @throws IOException if the force fails.
     */
    static void forceDirectory(final File directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory.toPath(), StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
