/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Walks the frame headers of the range a recovery is about to replay, in the archive's segment files, before the
 * archive is asked to replay it. A damaged frame header can make the archive's replay spin for ever, and a damaged
 * catalog can say the recording stops before frames it holds; neither shows through the replay itself. The walk
 * reads the segment files in chunks of 1 MiB (the pages the replay reads next, so a page-cache copy, not a page
 * fault a page) and 32 bytes a frame from them, and finds:
 * <ul>
 *     <li>the first frame that is not a whole, consistent frame of this recording ({@link #badPosition()}: its
 *     length, type, term offset or term id do not fit where it sits, it is a data frame with no payload (the store
 *     never publishes one), or it is empty before the stop);</li>
 *     <li>whether a plausible data frame follows it before the stop ({@link #frameAfterBadPosition()}), which
 *     tells damage in the middle of the log from a torn tail;</li>
 *     <li>a stop that is not on a frame boundary;</li>
 *     <li>frames recorded past the stop ({@link #framesPastStopUntil()}): the catalog's stop is below the data, or
 *     the recorder wrote them and then failed to force them; or a whole frame in the megabyte after a stop with no
 *     frame at it ({@link #frameAfterStop()}): a hole a power loss left, frames after it.</li>
 * </ul>
 * Needs the archive's directory on this host; changes nothing.
 */
final class RecordingScan
{
    private static final long PAST_STOP_SEARCH_LENGTH = 1024 * 1024;
    private static final int CHUNK_LENGTH = 1024 * 1024;

    private final RecordingFiles files;
    private final long recordingId;
    private final int termLength;
    private final int segmentLength;
    private final int initialTermId;
    private final int positionBitsToShift;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_LENGTH);
    private FileChannel channel;
    private long mappedBase = -1;
    private long chunkStart = -1;
    private long chunkEnd = -1;

    private long badPosition = -1;
    private String badReason;
    private long frameAfterBadPosition = -1;
    private long framesPastStopUntil = -1;
    private long frameAfterStop = -1;
    private long dataEnd = -1;
    private boolean missingSegment;
    private String shortSegment;
    private boolean stopInsideFrame;

    RecordingScan(final RecordingFiles files)
    {
        this.files = files;
        this.recordingId = files.recordingId();
        this.termLength = files.termLength();
        this.segmentLength = files.segmentLength();
        this.initialTermId = files.initialTermId();
        this.positionBitsToShift = files.positionBitsToShift();
    }

    /**
     * Walk the frames of [from, stop).
     *
     * @param from a frame boundary (the snapshot's position).
     * @param stop the catalog's stop position.
     * @return this.
     * @throws IOException if a segment file cannot be read.
     */
    RecordingScan scan(final long from, final long stop) throws IOException
    {
        if (0 != (from & (FrameDescriptor.FRAME_ALIGNMENT - 1)))
        {
            throw new IOException("the snapshot's position=" + from + " is not on a frame boundary of recording " +
                recordingId);
        }
        dataEnd = from;
        try
        {
            long position = from;
            final int termMask = termLength - 1;
            while (position < stop)
            {
                // The common case inline, one frame header at a time; anything unusual takes frameProblem's path.
                if (position >= chunkStart && position + DataHeaderFlyweight.HEADER_LENGTH <= chunkEnd)
                {
                    final int at = (int)(position - chunkStart);
                    final int frameLength = view.getInt(at + DataHeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET);
                    final int aligned = (frameLength + FrameDescriptor.FRAME_ALIGNMENT - 1) &
                        -FrameDescriptor.FRAME_ALIGNMENT;
                    final int type = view.getShort(at + DataHeaderFlyweight.TYPE_FIELD_OFFSET) & 0xFFFF;
                    final int termOffset = (int)(position & termMask);
                    if (frameLength > DataHeaderFlyweight.HEADER_LENGTH && frameLength <= termLength - termOffset &&
                        aligned <= stop - position &&
                        (DataHeaderFlyweight.HDR_TYPE_DATA == type || DataHeaderFlyweight.HDR_TYPE_PAD == type) &&
                        view.getInt(at + DataHeaderFlyweight.TERM_OFFSET_FIELD_OFFSET) == termOffset &&
                        view.getInt(at + DataHeaderFlyweight.TERM_ID_FIELD_OFFSET) ==
                            initialTermId + (int)(position >>> positionBitsToShift))
                    {
                        position += aligned;
                        if (DataHeaderFlyweight.HDR_TYPE_DATA == type)
                        {
                            dataEnd = position;
                        }
                        continue;
                    }
                }
                final String problem = frameProblem(position, stop - position, true);
                if (null != problem)
                {
                    badPosition = position;
                    badReason = problem;
                    missingSegment = mappedBase < 0;
                    if (stopInsideFrame)
                    {
                        return this;
                    }
                    frameAfterBadPosition = findFrame(position + FrameDescriptor.FRAME_ALIGNMENT, stop);
                    return this;
                }
                if (DataHeaderFlyweight.HDR_TYPE_DATA == (view.getShort(
                    (int)(position - chunkStart) + DataHeaderFlyweight.TYPE_FIELD_OFFSET) & 0xFFFF))
                {
                    dataEnd = position + BitUtil.align(frameLength(position), FrameDescriptor.FRAME_ALIGNMENT);
                }
                position += BitUtil.align(frameLength(position), FrameDescriptor.FRAME_ALIGNMENT);
            }
            long past = stop;
            while (null == frameProblem(past, Long.MAX_VALUE, false))
            {
                past += BitUtil.align(frameLength(past), FrameDescriptor.FRAME_ALIGNMENT);
            }
            if (past > stop)
            {
                framesPastStopUntil = past;
            }
            else
            {
                // A hole (a page the disk lost) can end the chain right at the stop with whole frames after it.
                final long stopSegmentEnd = files.segmentBase(stop) + segmentLength;
                frameAfterStop = findFrame(stop + FrameDescriptor.FRAME_ALIGNMENT,
                    Math.min(stopSegmentEnd, stop + PAST_STOP_SEARCH_LENGTH));
            }
            return this;
        }
        finally
        {
            unmap();
        }
    }

    long badPosition()
    {
        return badPosition;
    }

    String badReason()
    {
        return badReason;
    }

    long frameAfterBadPosition()
    {
        return frameAfterBadPosition;
    }

    /**
     * @return true if the first bad position is in a segment file that does not exist.
     */
    boolean missingSegment()
    {
        return missingSegment;
    }

    /**
     * @return true if the stop falls inside the frame at {@link #badPosition()}: the catalog is damaged.
     */
    boolean stopInsideFrame()
    {
        return stopInsideFrame;
    }

    /**
     * @return the first whole frame found in the megabyte after the stop when no frame starts at it, or -1.
     */
    long frameAfterStop()
    {
        return frameAfterStop;
    }

    /**
     * @return the end of the last data frame before the stop (the scan's start if none): past it, only padding.
     */
    long dataEnd()
    {
        return dataEnd;
    }

    long framesPastStopUntil()
    {
        return framesPastStopUntil;
    }

    private String frameProblem(final long position, final long remaining, final boolean walk) throws IOException
    {
        if (!map(position))
        {
            return null != shortSegment ? "segment file holding position=" + position + " is damaged: " +
                shortSegment : "segment file holding position=" + position + " is missing";
        }
        final int at = (int)(position - chunkStart);
        final int frameLength = view.getInt(at + DataHeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET);
        final int termOffset = (int)(position & (termLength - 1));
        final int termId = initialTermId + (int)(position >>> positionBitsToShift);
        final int type = view.getShort(at + DataHeaderFlyweight.TYPE_FIELD_OFFSET) & 0xFFFF;
        if (0 == frameLength)
        {
            return "no frame recorded at position=" + position;
        }
        if (frameLength < DataHeaderFlyweight.HEADER_LENGTH || frameLength > termLength - termOffset ||
            (DataHeaderFlyweight.HDR_TYPE_DATA != type && DataHeaderFlyweight.HDR_TYPE_PAD != type) ||
            view.getInt(at + DataHeaderFlyweight.TERM_OFFSET_FIELD_OFFSET) != termOffset ||
            view.getInt(at + DataHeaderFlyweight.TERM_ID_FIELD_OFFSET) != termId ||
            DataHeaderFlyweight.HDR_TYPE_DATA == type && frameLength == DataHeaderFlyweight.HEADER_LENGTH)
        {
            return "damaged frame header at position=" + position + " (frameLength=" + frameLength + " type=" + type +
                " termOffset=" + view.getInt(at + DataHeaderFlyweight.TERM_OFFSET_FIELD_OFFSET) + " expected " +
                termOffset + ", termId=" + view.getInt(at + DataHeaderFlyweight.TERM_ID_FIELD_OFFSET) +
                " expected " + termId + ")";
        }
        if (BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT) > remaining)
        {
            stopInsideFrame |= walk;
            return "the stop position=" + (position + remaining) + " falls inside the frame at position=" +
                position + " of length " + frameLength + ", not on a frame boundary";
        }
        return null;
    }

    private int frameLength(final long position)
    {
        return view.getInt((int)(position - chunkStart) + DataHeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET);
    }

    private long findFrame(final long from, final long searchEnd) throws IOException
    {
        // No frame lies past the last segment file, however far a damaged catalog puts the stop.
        final long stop = Math.min(searchEnd, files.lastSegmentEnd());
        long position = from;
        while (position + DataHeaderFlyweight.HEADER_LENGTH <= stop) // a stop off a frame boundary ends it too
        {
            if (!map(position))
            {
                position = files.segmentBase(position) + segmentLength; // a missing segment file holds no frame: try the next one
                continue;
            }
            // Most of what is searched is zeros: skip empty frame-length words in a tight loop over the chunk.
            final int limit = (int)(Math.min(stop, chunkEnd) - chunkStart) - DataHeaderFlyweight.HEADER_LENGTH;
            int at = (int)(position - chunkStart);
            while (at <= limit && 0 == view.getInt(at + DataHeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET))
            {
                at += FrameDescriptor.FRAME_ALIGNMENT;
            }
            position = chunkStart + at;
            if (at > limit)
            {
                continue;
            }
            if (null == frameProblem(position, stop - position, false) &&
                DataHeaderFlyweight.HDR_TYPE_DATA == (view.getShort(
                    (int)(position - chunkStart) + DataHeaderFlyweight.TYPE_FIELD_OFFSET) & 0xFFFF))
            {
                return position;
            }
            position += FrameDescriptor.FRAME_ALIGNMENT;
        }
        return -1;
    }

    /**
     * Make the 32 bytes at a position readable through {@link #view}, at {@code position - chunkStart}.
     *
     * @return false if the segment file holding it is missing or shorter than a segment.
     */
    private boolean map(final long position) throws IOException
    {
        if (position < mappedBase || position >= mappedBase + segmentLength || mappedBase < 0)
        {
            final long base = files.segmentBase(position);
            unmap();
            final File file = files.segmentFile(base);
            shortSegment = null;
            if (!file.exists())
            {
                return false;
            }
            final FileChannel opened = FileChannel.open(file.toPath(), StandardOpenOption.READ);
            if (opened.size() < segmentLength)
            {
                // The archive creates every segment file at its full length: a shorter one lost its end.
                shortSegment = file + " is " + opened.size() + " bytes, shorter than a segment (" + segmentLength +
                    ")";
                opened.close();
                return false;
            }
            channel = opened;
            mappedBase = base;
        }
        if (position < chunkStart || position + DataHeaderFlyweight.HEADER_LENGTH > chunkEnd)
        {
            // Frames are 32-byte aligned and chunks too, so a frame header never straddles two chunks.
            final long fileOffset = (position - mappedBase) & ~((long)CHUNK_LENGTH - 1);
            final int length = (int)Math.min(CHUNK_LENGTH, segmentLength - fileOffset);
            chunk.clear().limit(length);
            while (chunk.hasRemaining())
            {
                if (channel.read(chunk, fileOffset + chunk.position()) < 0)
                {
                    throw new IOException("segment of recording " + recordingId + " ended while read at " +
                        (fileOffset + chunk.position()));
                }
            }
            view.wrap(chunk, 0, length);
            chunkStart = mappedBase + fileOffset;
            chunkEnd = chunkStart + length;
        }
        return true;
    }

    private void unmap()
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // read-only: nothing was written that a close could lose
            }
            channel = null;
        }
        mappedBase = -1;
        chunkStart = -1;
        chunkEnd = -1;
    }
}
