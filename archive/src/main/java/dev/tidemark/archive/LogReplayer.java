/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.TidemarkException;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Applies replayed change messages to the store, exactly once and in order: each message's CRC and version are
 * checked, and its sequence must be the store's next. The first bad message is remembered rather than applied;
 * if a valid message follows it, the log is corrupt in the middle and recovery must refuse; if none does, the bad
 * message is a torn tail and the log ends before it.
 * <p>
 * Applying a message takes a cache miss on its key's bucket (keys are hashed over a table far larger than the cache),
 * and one miss at a time is most of a message's cost. So every {@link #TOUCH_GROUP} messages the replayer reads ahead
 * in the term buffer and touches the buckets of the next group's keys back to back: their misses overlap, and the
 * applies that follow find their buckets in the cache. The read-ahead is a hint only: it reads frames the image may
 * not have delivered yet, bounded by the buffer, and changes nothing. A message longer than one MTU arrives
 * reassembled in a buffer of its own, not in the term buffer, and is never read ahead.
 * <p>
 * <b>Refusals stop the replay.</b> Aeron's {@code Image.poll} hands a handler's exception to the error handler and
 * carries on, so a refusal thrown from here could never stop an open. Instead the first refusal (a broken sequence,
 * an operation that does not fit the store, a full table) is kept as {@link #failure()}, every later fragment is
 * ignored, and the recovery loop, which checks it after each poll, fails the open with it.
 */
final class LogReplayer implements FragmentHandler
{
    /**
     * Messages whose buckets are touched together, ahead of their applies.
     */
    static final int TOUCH_GROUP = 16;

    private static final int KEY_IN_PAYLOAD = ChangeMessageDescriptor.OPERATIONS_OFFSET + BatchDescriptor.KEY_OFFSET;

    private final StateStore store;
    private final ChangeMessageFlyweight message;
    private final StoreBatch batch;
    private long nextPosition;
    private long applied;
    private long badPosition = -1;
    private String badReason;
    private long validAfterBadPosition = -1;
    private DirectBuffer touchedBuffer;
    private int touchedFrom;
    private int touchedUntil;
    private int touchSink; // written so the touching loads are not optimised away; never read
    private TidemarkException failure;
    private long failurePosition = -1;

    LogReplayer(final StateStore store, final ChangeMessageFlyweight message, final StoreBatch batch)
    {
        this.store = store;
        this.message = message;
        this.batch = batch;
    }

    void reset(final long startPosition)
    {
        touchedBuffer = null;
        touchedFrom = 0;
        touchedUntil = 0;
        nextPosition = startPosition;
        applied = 0;
        badPosition = -1;
        badReason = null;
        validAfterBadPosition = -1;
        failure = null;
        failurePosition = -1;
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (null != failure)
        {
            return;
        }
        final long messageStart = nextPosition;
        try
        {
            if (FrameDescriptor.UNFRAGMENTED == header.flags() && buffer == header.buffer())
            {
                touchAhead(buffer, offset - DataHeaderFlyweight.HEADER_LENGTH);
            }
            onMessage(buffer, offset, length, messageStart, header.position());
        }
        catch (final RuntimeException ex)
        {
            failurePosition = messageStart;
            failure = ex instanceof TidemarkException ? (TidemarkException)ex : new TidemarkException(
                TidemarkException.Category.FATAL, "change message at position=" + messageStart +
                " cannot be applied (" + ex.getMessage() + "); recovery refused", ex);
        }
    }

    private void onMessage(
        final DirectBuffer buffer, final int offset, final int length, final long messageStart, final long messageEnd)
    {
        nextPosition = messageEnd;
        message.wrap(buffer, offset, length);

        if (badPosition >= 0)
        {
            if (validAfterBadPosition < 0 && null == message.validate())
            {
                validAfterBadPosition = messageStart;
            }
            return;
        }

        final String problem = message.validate();
        if (null != problem)
        {
            badPosition = messageStart;
            badReason = problem;
            return;
        }

        final long expected = store.lastSequence() + 1;
        if (message.sequence() != expected)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "change log sequence broken at position=" + messageStart + ": expected sequence=" + expected +
                " found=" + message.sequence() + " (a message is missing or repeated); recovery refused");
        }

        batch.wrap(buffer, message.operationsOffset(), message.operationsLength(), message.operationCount());
        store.apply(batch);
        store.logPosition(messageEnd);
        applied++;
    }

    /**
     * When the frame at {@code frameOffset} is past what was touched, touch the buckets of the next group of data
     * frames in this term buffer, starting with it.
     */
    private void touchAhead(final DirectBuffer termBuffer, final int frameOffset)
    {
        if (termBuffer != touchedBuffer || frameOffset < touchedFrom || frameOffset >= touchedUntil)
        {
            touchedBuffer = termBuffer;
            touchedFrom = frameOffset;
            final int capacity = termBuffer.capacity();
            int at = frameOffset;
            for (int i = 0; i < TOUCH_GROUP && at <= capacity - DataHeaderFlyweight.HEADER_LENGTH; i++)
            {
                final int frameLength = termBuffer.getInt(at + DataHeaderFlyweight.FRAME_LENGTH_FIELD_OFFSET,
                    ByteOrder.LITTLE_ENDIAN);
                if (frameLength < DataHeaderFlyweight.HEADER_LENGTH || frameLength > capacity - at)
                {
                    break; // not written yet (or being written)
                }
                if (DataHeaderFlyweight.HDR_TYPE_DATA == termBuffer.getShort(
                    at + DataHeaderFlyweight.TYPE_FIELD_OFFSET, ByteOrder.LITTLE_ENDIAN))
                {
                    touchSink += store.prefetch(termBuffer, at + DataHeaderFlyweight.HEADER_LENGTH + KEY_IN_PAYLOAD);
                }
                at += BitUtil.align(frameLength, FrameDescriptor.FRAME_ALIGNMENT);
            }
            touchedUntil = Math.max(at, frameOffset + 1);
        }
    }

    /**
     * @return the first refusal met, or null; once set, the replay applies nothing more.
     */
    TidemarkException failure()
    {
        return failure;
    }

    /**
     * @return the position of the message that was refused, or -1.
     */
    long failurePosition()
    {
        return failurePosition;
    }

    long nextPosition()
    {
        return nextPosition;
    }

    long applied()
    {
        return applied;
    }

    long badPosition()
    {
        return badPosition;
    }

    String badReason()
    {
        return badReason;
    }

    long validAfterBadPosition()
    {
        return validAfterBadPosition;
    }
}
