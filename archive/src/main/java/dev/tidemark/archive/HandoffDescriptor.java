/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

/**
 * Layout of a change request in a {@link WriteHandoff}'s ring (an Agrona {@code ManyToOneRingBuffer}, whose own record
 * header carries the length and the type): in memory only, never on disk, little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Producer Index                            |  0
 *  +---------------------------------------------------------------+
 *  |   Value Length (a put) or Operation Count (a batch), else 0   |  4
 *  +---------------------------------------------------------------+
 *  |                     Ticket (64 bits): the producer's          |  8
 *  |                     sequence of the request, from 1           |
 *  +---------------------------------------------------------------+
 *  |   Key (key length bytes; a long key as 8 bytes) for a put or  |  16
 *  |   a remove; the encoded operations for a batch               ...
 *  +---------------------------------------------------------------+
 *  |   Value (Value Length bytes), after the key, for a put       ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The ring record's type is one of {@link #PUT_LONG}, {@link #PUT}, {@link #REMOVE_LONG}, {@link #REMOVE} or
 * {@link #BATCH}: a long key and a byte key of the same bytes are different calls on the store, so the request keeps
 * which one the producer made.
 */
public final class HandoffDescriptor
{
    /**
     * Offset of the producer's index.
     */
    public static final int PRODUCER_OFFSET = 0;

    /**
     * Offset of the value length or the batch's operation count.
     */
    public static final int LENGTH_OFFSET = 4;

    /**
     * Offset of the ticket.
     */
    public static final int TICKET_OFFSET = 8;

    /**
     * Offset of the key, or of a batch's operations.
     */
    public static final int KEY_OFFSET = 16;

    /**
     * Type: a put under a long key.
     */
    public static final int PUT_LONG = 1;

    /**
     * Type: a put under a byte key.
     */
    public static final int PUT = 2;

    /**
     * Type: a removal of a long key.
     */
    public static final int REMOVE_LONG = 3;

    /**
     * Type: a removal of a byte key.
     */
    public static final int REMOVE = 4;

    /**
     * Type: a batch, applied atomically.
     */
    public static final int BATCH = 5;

    private HandoffDescriptor()
    {
    }

    /**
     * @param keyLength   the store's key length.
     * @param valueLength the value's length.
     * @return the length of a put request.
     */
    public static int putLength(final int keyLength, final int valueLength)
    {
        return KEY_OFFSET + keyLength + valueLength;
    }
}
