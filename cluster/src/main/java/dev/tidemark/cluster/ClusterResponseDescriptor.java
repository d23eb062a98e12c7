/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of the service's answer to one request, sent on the client's egress by the leader. Little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Type: ASCII TMRS (0x53524d54)                |  0
 *  +---------------------------------------------------------------+
 *  |                  Status                                       |  4
 *  +---------------------------------------------------------------+
 *  |                  Client Id                                    |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Request Id                                   | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Position                                     | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Reason Length                                | 32
 *  +---------------------------------------------------------------+
 *  |                  Reason: ASCII, Reason Length bytes          ... 36
 *  +---------------------------------------------------------------+
 * </pre>
 * Position: for {@link #APPLIED}, the cluster log position just after the request (every member's state reflects
 * the request once its position reaches it); for {@link #OUT_OF_ORDER} and {@link #UNKNOWN_CLIENT}, the request id
 * the service expects next;
 * otherwise the log position of the request's processing.
 */
public final class ClusterResponseDescriptor
{
    /**
     * The type word, ASCII {@code TMRS} read little-endian.
     */
    public static final int TYPE = 0x53524d54;

    /**
     * Committed by a quorum and applied.
     */
    public static final int APPLIED = 0;

    /**
     * Refused, nothing changed: the table would overflow.
     */
    public static final int TABLE_FULL = 1;

    /**
     * Refused, nothing changed: malformed, a CRC that does not match, or sizes the store does not take.
     */
    public static final int INVALID = 2;

    /**
     * Not processed: an earlier request of the client is missing; resend from the id in the position field.
     */
    public static final int OUT_OF_ORDER = 3;

    /**
     * A repeat of a request processed so long ago that its outcome is no longer kept.
     */
    public static final int EXPIRED = 4;

    /**
     * Not processed: the service does not know the client (its first request was lost, or the client was silent so
     * long that the service forgot it); the position field is 1, the id the service expects.
     */
    public static final int UNKNOWN_CLIENT = 5;

    /**
     * Offset of the type word.
     */
    public static final int TYPE_OFFSET = 0;

    /**
     * Offset of the status.
     */
    public static final int STATUS_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the client id.
     */
    public static final int CLIENT_ID_OFFSET = STATUS_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the request id.
     */
    public static final int REQUEST_ID_OFFSET = CLIENT_ID_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the position.
     */
    public static final int POSITION_OFFSET = REQUEST_ID_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the reason's length.
     */
    public static final int REASON_LENGTH_OFFSET = POSITION_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the reason.
     */
    public static final int REASON_OFFSET = REASON_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * Longest reason sent; longer ones are cut.
     */
    public static final int MAX_REASON_LENGTH = 512;

    private ClusterResponseDescriptor()
    {
    }

    /**
     * @param status a status code.
     * @return its name.
     */
    public static String statusName(final int status)
    {
        switch (status)
        {
            case APPLIED:
                return "APPLIED";
            case TABLE_FULL:
                return "TABLE_FULL";
            case INVALID:
                return "INVALID";
            case OUT_OF_ORDER:
                return "OUT_OF_ORDER";
            case EXPIRED:
                return "EXPIRED";
            case UNKNOWN_CLIENT:
                return "UNKNOWN_CLIENT";
            default:
                return "UNKNOWN(" + status + ")";
        }
    }
}
