/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.TidemarkException;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;

/**
 * Applies replayed change messages to the store, exactly once and in order: each message's CRC and version are
 * checked, and its sequence must be the store's next. The first bad message is remembered rather than applied;
 * if a valid message follows it, the log is corrupt in the middle and recovery must refuse; if none does, the bad
 * message is a torn tail and the log ends before it.
 */
final class LogReplayer implements FragmentHandler
{
    private final StateStore store;
    private final ChangeMessageFlyweight message;
    private final StoreBatch batch;
    private long nextPosition;
    private long applied;
    private long badPosition = -1;
    private String badReason;
    private long validAfterBadPosition = -1;

    LogReplayer(final StateStore store, final ChangeMessageFlyweight message, final StoreBatch batch)
    {
        this.store = store;
        this.message = message;
        this.batch = batch;
    }

    void reset(final long startPosition)
    {
        nextPosition = startPosition;
        applied = 0;
        badPosition = -1;
        badReason = null;
        validAfterBadPosition = -1;
    }

    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final long messageStart = nextPosition;
        final long messageEnd = header.position();
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

        batch.wrap(buffer, message.operationsOffset(), message.operationsLength());
        store.apply(batch);
        store.logPosition(messageEnd);
        applied++;
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
