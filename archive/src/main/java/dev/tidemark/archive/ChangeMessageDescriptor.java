/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

/**
 * Layout of a change message: one mutation of the store (a put, a remove, or an atomic batch), as published on the
 * change stream and recorded by the archive. It is the payload of one Aeron message; the Aeron frame around it gives
 * its length. Little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          CRC32C of bytes [4, message length)                  |  0
 *  +-------------------------------+-------------------------------+
 *  |        Format Version         |            Flags              |  4
 *  +-------------------------------+-------------------------------+
 *  |                       Sequence Number                         |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Operation Count                         | 16
 *  +---------------------------------------------------------------+
 *  |                       Operations Length                       | 20
 *  +---------------------------------------------------------------+
 *  |       Operations: the store's batch encoding                 ... 24
 *  |       (dev.tidemark.store.BatchDescriptor), 8-byte aligned    |
 *  +---------------------------------------------------------------+
 * </pre>
 * A single put or remove is a batch of one operation, so replay has one path. The sequence number is the store's
 * mutation sequence: messages in the log carry 1, 2, 3, ... with no gap, which recovery checks. The CRC covers the
 * whole message after itself, so a torn or flipped message is never applied.
 */
public final class ChangeMessageDescriptor
{
    /**
     * Version of the message format.
     */
    public static final short FORMAT_VERSION = 1;

    /**
     * Offset of the CRC32C.
     */
    public static final int CRC_OFFSET = 0;

    /**
     * Offset of the format version.
     */
    public static final int VERSION_OFFSET = CRC_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the flags (none defined; 0).
     */
    public static final int FLAGS_OFFSET = VERSION_OFFSET + SIZE_OF_SHORT;

    /**
     * Offset of the sequence number.
     */
    public static final int SEQUENCE_OFFSET = FLAGS_OFFSET + SIZE_OF_SHORT;

    /**
     * Offset of the operation count.
     */
    public static final int OPERATION_COUNT_OFFSET = SEQUENCE_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the length of the operations.
     */
    public static final int OPERATIONS_LENGTH_OFFSET = OPERATION_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the operations; also the header length.
     */
    public static final int OPERATIONS_OFFSET = OPERATIONS_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * Length of the header before the operations.
     */
    public static final int HEADER_LENGTH = OPERATIONS_OFFSET;

    private ChangeMessageDescriptor()
    {
    }

    /**
     * Length of a message.
     *
     * @param operationsLength length of its encoded operations.
     * @return the message length.
     */
    public static int messageLength(final int operationsLength)
    {
        return HEADER_LENGTH + operationsLength;
    }
}
