/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.archive.ChangeMessageDescriptor;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of a request a {@link ClusteredStoreClient} sends as cluster ingress: the client's identity, then the change
 * message the durable store publishes ({@link ChangeMessageDescriptor}: CRC32C, version, operations), whose sequence
 * field holds the client's request id. Little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Type: ASCII TMRQ (0x51524d54)                |  0
 *  +---------------------------------------------------------------+
 *  |                  Reserved (0)                                 |  4
 *  +---------------------------------------------------------------+
 *  |                  Client Id (non-zero)                         |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  Change message: CRC32C, version, flags, sequence = request  ... 16
 *  |  id (1, 2, 3, ... per client), operation count and length,    |
 *  |  the operations (dev.tidemark.store.BatchDescriptor)          |
 *  +---------------------------------------------------------------+
 * </pre>
 * The service applies request {@code n} of a client only after {@code n - 1}: a lower id is a repeat (answered from
 * the outcomes it keeps, never applied twice), a higher one is answered OUT_OF_ORDER with the id expected. The client
 * keeps at most {@link #OUTCOME_WINDOW} requests unanswered, the outcomes the service keeps per client.
 */
public final class ClusterRequestDescriptor
{
    /**
     * The type word, ASCII {@code TMRQ} read little-endian.
     */
    public static final int TYPE = 0x51524d54;

    /**
     * Requests a client may have unanswered, and the outcomes the service keeps per client to answer repeats.
     */
    public static final int OUTCOME_WINDOW = 128;

    /**
     * Longest request: what an ingress publication of 1 MiB terms carries in one message (an eighth of the term),
     * less the cluster's session header and a margin. The members' log terms (4 MiB) carry it too.
     */
    public static final int MAX_LENGTH = 128 * 1024 - 128;

    /**
     * Offset of the type word.
     */
    public static final int TYPE_OFFSET = 0;

    /**
     * Offset of the reserved word.
     */
    public static final int RESERVED_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the client id.
     */
    public static final int CLIENT_ID_OFFSET = RESERVED_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the change message.
     */
    public static final int MESSAGE_OFFSET = CLIENT_ID_OFFSET + SIZE_OF_LONG;

    /**
     * Shortest request: the envelope and a change message header.
     */
    public static final int MIN_LENGTH = MESSAGE_OFFSET + ChangeMessageDescriptor.HEADER_LENGTH;

    private ClusterRequestDescriptor()
    {
    }
}
