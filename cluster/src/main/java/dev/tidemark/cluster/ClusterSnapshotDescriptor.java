/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of the service's snapshot: the messages it writes to the snapshot publication Aeron Cluster records, in
 * this order: one BEGIN, a PAGE for each table page that is not all zeros (in page order), a CLIENT for each client
 * the service remembers, one END. Each message starts with its type word. Little-endian. Version 1.
 * <pre>
 *  BEGIN (56 bytes)                                  PAGE (16 + page size bytes)
 *  +-------------------------------+  0              +-------------------------------+  0
 *  | Type: ASCII TMSB (0x42534d54) |                 | Type: ASCII TMSP (0x50534d54) |
 *  +-------------------------------+  4              +-------------------------------+  4
 *  | Version (1)                   |                 | Page index                    |
 *  +-------------------------------+  8              +-------------------------------+  8
 *  | Key length                    |                 | CRC32C of the page's bytes    |
 *  +-------------------------------+ 12              +-------------------------------+ 12
 *  | Max value length              |                 | Reserved (0)                  |
 *  +-------------------------------+ 16              +-------------------------------+ 16
 *  | Capacity                      |                 | The page: page size bytes of |...
 *  +-------------------------------+ 20              | the table region (the store's |
 *  | Page size                     |                 | TableDescriptor layout)       |
 *  +-------------------------------+ 24              +-------------------------------+
 *  | Page count                    |
 *  +-------------------------------+ 28              CLIENT (32 + 8 x OUTCOME_WINDOW bytes)
 *  | Entry count                   |                 +-------------------------------+  0
 *  +-------------------------------+ 32              | Type: ASCII TMSC (0x43534d54) |
 *  | Client count                  |                 +-------------------------------+  4
 *  +-------------------------------+ 36              | Reserved (0)                  |
 *  | Max batch operations          |                 +-------------------------------+  8
 *  +-------------------------------+ 40              | Client id (8)                 |
 *  | Requests applied (8)          |                 +-------------------------------+ 16
 *  +-------------------------------+ 48              | Last request id (8)           |
 *  | Log position (8)              |                 +-------------------------------+ 24
 *  +-------------------------------+ 56              | Last seen, cluster time (8)   |
 *                                                    +-------------------------------+ 32
 *  END (20 bytes)                                    | Outcomes: OUTCOME_WINDOW x 8, |...
 *  +-------------------------------+  0              | request id n at n mod window: |
 *  | Type: ASCII TMSE (0x45534d54) |                 | status << 56 | position       |
 *  +-------------------------------+  4              +-------------------------------+
 *  | Pages sent                    |
 *  +-------------------------------+  8
 *  | CRC32C of BEGIN, every PAGE's |
 *  | 16-byte header, every CLIENT  |
 *  +-------------------------------+ 12
 *  | Entry count                   |
 *  +-------------------------------+ 16
 *  | Client count                  |
 *  +-------------------------------+ 20
 * </pre>
 * Pages not sent are all zeros. A load checks every page's CRC as it lands, the END's counts and its CRC (over BEGIN,
 * every PAGE header and every CLIENT, in order) against what arrived, and the entry count against the entries the
 * loaded table holds; a snapshot that ends before its END is refused. The geometry, page size and max batch
 * operations must equal the loading member's.
 */
public final class ClusterSnapshotDescriptor
{
    /**
     * Snapshot format version.
     */
    public static final int VERSION = 1;

    /**
     * Longest PAGE message: what the snapshot publication (1 MiB IPC terms) carries in one message, an eighth of it.
     */
    public static final int MAX_PAGE_MESSAGE = 128 * 1024;

    /**
     * Type of the BEGIN message, ASCII {@code TMSB}.
     */
    public static final int BEGIN_TYPE = 0x42534d54;

    /**
     * Type of a PAGE message, ASCII {@code TMSP}.
     */
    public static final int PAGE_TYPE = 0x50534d54;

    /**
     * Type of a CLIENT message, ASCII {@code TMSC}.
     */
    public static final int CLIENT_TYPE = 0x43534d54;

    /**
     * Type of the END message, ASCII {@code TMSE}.
     */
    public static final int END_TYPE = 0x45534d54;

    /**
     * Offset of every message's type word.
     */
    public static final int TYPE_OFFSET = 0;

    /**
     * BEGIN: offset of the version.
     */
    public static final int BEGIN_VERSION_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the key length.
     */
    public static final int BEGIN_KEY_LENGTH_OFFSET = BEGIN_VERSION_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the max value length.
     */
    public static final int BEGIN_MAX_VALUE_LENGTH_OFFSET = BEGIN_KEY_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the capacity.
     */
    public static final int BEGIN_CAPACITY_OFFSET = BEGIN_MAX_VALUE_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the page size.
     */
    public static final int BEGIN_PAGE_SIZE_OFFSET = BEGIN_CAPACITY_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the page count.
     */
    public static final int BEGIN_PAGE_COUNT_OFFSET = BEGIN_PAGE_SIZE_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the entry count.
     */
    public static final int BEGIN_ENTRY_COUNT_OFFSET = BEGIN_PAGE_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the client count.
     */
    public static final int BEGIN_CLIENT_COUNT_OFFSET = BEGIN_ENTRY_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the max batch operations (a setting every member must share).
     */
    public static final int BEGIN_MAX_BATCH_OPERATIONS_OFFSET = BEGIN_CLIENT_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the requests applied so far.
     */
    public static final int BEGIN_APPLIED_OFFSET = BEGIN_MAX_BATCH_OPERATIONS_OFFSET + SIZE_OF_INT;

    /**
     * BEGIN: offset of the log position the snapshot matches.
     */
    public static final int BEGIN_POSITION_OFFSET = BEGIN_APPLIED_OFFSET + SIZE_OF_LONG;

    /**
     * Length of a BEGIN message.
     */
    public static final int BEGIN_LENGTH = BEGIN_POSITION_OFFSET + SIZE_OF_LONG;

    /**
     * PAGE: offset of the page index.
     */
    public static final int PAGE_INDEX_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * PAGE: offset of the page's CRC32C.
     */
    public static final int PAGE_CRC_OFFSET = PAGE_INDEX_OFFSET + SIZE_OF_INT;

    /**
     * PAGE: offset of the page's bytes.
     */
    public static final int PAGE_BYTES_OFFSET = PAGE_CRC_OFFSET + SIZE_OF_INT + SIZE_OF_INT;

    /**
     * CLIENT: offset of the client id.
     */
    public static final int CLIENT_ID_OFFSET = TYPE_OFFSET + SIZE_OF_INT + SIZE_OF_INT;

    /**
     * CLIENT: offset of the last request id.
     */
    public static final int CLIENT_LAST_REQUEST_OFFSET = CLIENT_ID_OFFSET + SIZE_OF_LONG;

    /**
     * CLIENT: offset of the cluster time the client was last seen.
     */
    public static final int CLIENT_LAST_SEEN_OFFSET = CLIENT_LAST_REQUEST_OFFSET + SIZE_OF_LONG;

    /**
     * CLIENT: offset of the outcomes.
     */
    public static final int CLIENT_OUTCOMES_OFFSET = CLIENT_LAST_SEEN_OFFSET + SIZE_OF_LONG;

    /**
     * Length of a CLIENT message.
     */
    public static final int CLIENT_LENGTH =
        CLIENT_OUTCOMES_OFFSET + ClusterRequestDescriptor.OUTCOME_WINDOW * SIZE_OF_LONG;

    /**
     * END: offset of the pages sent.
     */
    public static final int END_PAGES_OFFSET = TYPE_OFFSET + SIZE_OF_INT;

    /**
     * END: offset of the CRC32C over BEGIN, every PAGE's header and every CLIENT, in order.
     */
    public static final int END_PAGES_CRC_OFFSET = END_PAGES_OFFSET + SIZE_OF_INT;

    /**
     * END: offset of the entry count.
     */
    public static final int END_ENTRY_COUNT_OFFSET = END_PAGES_CRC_OFFSET + SIZE_OF_INT;

    /**
     * END: offset of the client count.
     */
    public static final int END_CLIENT_COUNT_OFFSET = END_ENTRY_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * Length of the END message.
     */
    public static final int END_LENGTH = END_CLIENT_COUNT_OFFSET + SIZE_OF_INT;

    private ClusterSnapshotDescriptor()
    {
    }

    /**
     * @param pageSize the store's page size.
     * @return the length of a PAGE message.
     */
    public static int pageLength(final int pageSize)
    {
        return PAGE_BYTES_OFFSET + pageSize;
    }
}
