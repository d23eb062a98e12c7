/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreBatch;
import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;

import static dev.tidemark.archive.ChangeMessageDescriptor.HEADER_LENGTH;
import static dev.tidemark.archive.ChangeMessageDescriptor.OPERATIONS_OFFSET;

/**
 * The change stream's write side: change messages ({@link ChangeMessageDescriptor}) claimed in place on the
 * exclusive publication, encoded there, then committed or aborted; and a message too long for one claim offered
 * whole, which Aeron fragments. Retries under the {@link BackPressure} policy. Writer thread only; zero allocation
 * but for a large message longer than any before it.
 */
final class ChangePublisher
{
    private final ExclusivePublication publication;
    private final BackPressure backPressure;
    private final ChangeMessageFlyweight message;
    private final BufferClaim bufferClaim = new BufferClaim();
    private final ExpandableDirectByteBuffer scratch = new ExpandableDirectByteBuffer(4096);
    private final int maxPayloadLength;
    private long claimPosition;
    private int stagedLength;

    ChangePublisher(
        final ExclusivePublication publication, final BackPressure backPressure, final ChangeMessageFlyweight message)
    {
        this.publication = publication;
        this.backPressure = backPressure;
        this.message = message;
        this.maxPayloadLength = publication.maxPayloadLength();
    }

    /**
     * @param operationsLength length of the operations a message would carry.
     * @return true if such a message fits one claim (one frame, unfragmented).
     */
    boolean fitsClaim(final int operationsLength)
    {
        return HEADER_LENGTH + operationsLength <= maxPayloadLength;
    }

    /**
     * Claim space for a message carrying operations of the given length, retrying under back-pressure.
     *
     * @param operationsLength length of the operations.
     * @return offset in {@link #buffer()} where the operations are to be encoded.
     * @throws IllegalArgumentException if the message does not fit one claim (nothing claimed).
     */
    int claim(final int operationsLength)
    {
        final int length = HEADER_LENGTH + operationsLength;
        if (length > maxPayloadLength)
        {
            throw new IllegalArgumentException("change message too long for one claim: length=" + length +
                " maxPayloadLength=" + maxPayloadLength + " (use a smaller value or a larger MTU)");
        }
        backPressure.begin();
        long result;
        while ((result = publication.tryClaim(length, bufferClaim)) < 0)
        {
            backPressure.onRefused(result);
        }
        claimPosition = result;
        return bufferClaim.offset() + OPERATIONS_OFFSET;
    }

    /**
     * @return the log position after the current claim's message.
     */
    long claimPosition()
    {
        return claimPosition;
    }

    /**
     * @return the buffer of the current claim.
     */
    MutableDirectBuffer buffer()
    {
        return bufferClaim.buffer();
    }

    /**
     * Give the current claim back: the log gets a padding frame in its place, which replay never delivers.
     */
    void abort()
    {
        bufferClaim.abort();
    }

    /**
     * Write the header of the claimed message, seal it with its CRC and commit it.
     *
     * @param sequence         the mutation's sequence number.
     * @param operationCount   operations in the message.
     * @param operationsLength length of the operations.
     * @return the log position after the message.
     */
    long commit(final long sequence, final int operationCount, final int operationsLength)
    {
        message.wrapForWrite(bufferClaim.buffer(), bufferClaim.offset(), HEADER_LENGTH + operationsLength)
            .writeHeader(sequence, operationCount, operationsLength)
            .seal();
        bufferClaim.commit();
        return claimPosition;
    }

    /**
     * Stage a batch too long for one claim as one sealed message in a buffer of its own, and wrap a view over the
     * staged operations: that copy is what is then checked, offered and applied.
     *
     * @param sequence the mutation's sequence number.
     * @param batch    the operations.
     * @param view     a batch of the store's, wrapped over the staged operations.
     * @return {@code view}.
     * @throws IllegalArgumentException if the message is longer than the publication's maximum, or the staged
     *                                  operations are malformed (nothing offered).
     */
    StoreBatch stage(final long sequence, final StoreBatch batch, final StoreBatch view)
    {
        final int operationsLength = batch.length();
        final int length = HEADER_LENGTH + operationsLength;
        if (length > publication.maxMessageLength())
        {
            throw new IllegalArgumentException("batch too large for the change stream: message length=" + length +
                " maxMessageLength=" + publication.maxMessageLength() + " (an eighth of the term length)");
        }
        scratch.checkLimit(length);
        scratch.putBytes(OPERATIONS_OFFSET, batch.buffer(), batch.offset(), operationsLength);
        view.wrap(scratch, OPERATIONS_OFFSET, operationsLength, batch.operationCount());
        message.wrapForWrite(scratch, 0, length)
            .writeHeader(sequence, batch.operationCount(), operationsLength)
            .seal();
        stagedLength = length;
        return view;
    }

    /**
     * Offer the staged message whole, which Aeron fragments; it cannot be aborted once offered.
     *
     * @return the log position after the message.
     */
    long offerStaged()
    {
        backPressure.begin();
        long position;
        while ((position = publication.offer(scratch, 0, stagedLength)) < 0)
        {
            backPressure.onRefused(position);
        }
        return position;
    }

    /**
     * @return the publication's position.
     */
    long position()
    {
        return publication.position();
    }
}
