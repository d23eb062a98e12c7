/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins every offset of the cluster's wire layouts to the diagrams in their Descriptors and src/docs/cluster.md.
 */
class ClusterDescriptorsTest
{
    @Test
    void shouldPinTheRequestLayout()
    {
        assertEquals(0x51524d54, ClusterRequestDescriptor.TYPE);
        assertEquals(0, ClusterRequestDescriptor.TYPE_OFFSET);
        assertEquals(4, ClusterRequestDescriptor.RESERVED_OFFSET);
        assertEquals(8, ClusterRequestDescriptor.CLIENT_ID_OFFSET);
        assertEquals(16, ClusterRequestDescriptor.MESSAGE_OFFSET);
        assertEquals(40, ClusterRequestDescriptor.MIN_LENGTH);
        assertEquals(128, ClusterRequestDescriptor.OUTCOME_WINDOW);
    }

    @Test
    void shouldPinTheResponseLayout()
    {
        assertEquals(0x53524d54, ClusterResponseDescriptor.TYPE);
        assertEquals(4, ClusterResponseDescriptor.STATUS_OFFSET);
        assertEquals(8, ClusterResponseDescriptor.CLIENT_ID_OFFSET);
        assertEquals(16, ClusterResponseDescriptor.REQUEST_ID_OFFSET);
        assertEquals(24, ClusterResponseDescriptor.POSITION_OFFSET);
        assertEquals(32, ClusterResponseDescriptor.REASON_LENGTH_OFFSET);
        assertEquals(36, ClusterResponseDescriptor.REASON_OFFSET);
        assertEquals(0, ClusterResponseDescriptor.APPLIED);
        assertEquals(1, ClusterResponseDescriptor.TABLE_FULL);
        assertEquals(2, ClusterResponseDescriptor.INVALID);
        assertEquals(3, ClusterResponseDescriptor.OUT_OF_ORDER);
        assertEquals(4, ClusterResponseDescriptor.EXPIRED);
        assertEquals(5, ClusterResponseDescriptor.UNKNOWN_CLIENT);
        assertEquals(128 * 1024 - 128, ClusterRequestDescriptor.MAX_LENGTH);
    }

    @Test
    void shouldPinTheSnapshotLayout()
    {
        assertEquals(1, ClusterSnapshotDescriptor.VERSION);
        assertEquals(0x42534d54, ClusterSnapshotDescriptor.BEGIN_TYPE);
        assertEquals(0x50534d54, ClusterSnapshotDescriptor.PAGE_TYPE);
        assertEquals(0x43534d54, ClusterSnapshotDescriptor.CLIENT_TYPE);
        assertEquals(0x45534d54, ClusterSnapshotDescriptor.END_TYPE);
        assertEquals(4, ClusterSnapshotDescriptor.BEGIN_VERSION_OFFSET);
        assertEquals(8, ClusterSnapshotDescriptor.BEGIN_KEY_LENGTH_OFFSET);
        assertEquals(12, ClusterSnapshotDescriptor.BEGIN_MAX_VALUE_LENGTH_OFFSET);
        assertEquals(16, ClusterSnapshotDescriptor.BEGIN_CAPACITY_OFFSET);
        assertEquals(20, ClusterSnapshotDescriptor.BEGIN_PAGE_SIZE_OFFSET);
        assertEquals(24, ClusterSnapshotDescriptor.BEGIN_PAGE_COUNT_OFFSET);
        assertEquals(28, ClusterSnapshotDescriptor.BEGIN_ENTRY_COUNT_OFFSET);
        assertEquals(32, ClusterSnapshotDescriptor.BEGIN_CLIENT_COUNT_OFFSET);
        assertEquals(36, ClusterSnapshotDescriptor.BEGIN_MAX_BATCH_OPERATIONS_OFFSET);
        assertEquals(40, ClusterSnapshotDescriptor.BEGIN_APPLIED_OFFSET);
        assertEquals(128 * 1024, ClusterSnapshotDescriptor.MAX_PAGE_MESSAGE);
        assertEquals(48, ClusterSnapshotDescriptor.BEGIN_POSITION_OFFSET);
        assertEquals(56, ClusterSnapshotDescriptor.BEGIN_LENGTH);
        assertEquals(4, ClusterSnapshotDescriptor.PAGE_INDEX_OFFSET);
        assertEquals(8, ClusterSnapshotDescriptor.PAGE_CRC_OFFSET);
        assertEquals(16, ClusterSnapshotDescriptor.PAGE_BYTES_OFFSET);
        assertEquals(16 + 4096, ClusterSnapshotDescriptor.pageLength(4096));
        assertEquals(8, ClusterSnapshotDescriptor.CLIENT_ID_OFFSET);
        assertEquals(16, ClusterSnapshotDescriptor.CLIENT_LAST_REQUEST_OFFSET);
        assertEquals(24, ClusterSnapshotDescriptor.CLIENT_LAST_SEEN_OFFSET);
        assertEquals(32, ClusterSnapshotDescriptor.CLIENT_OUTCOMES_OFFSET);
        assertEquals(32 + 8 * 128, ClusterSnapshotDescriptor.CLIENT_LENGTH);
        assertEquals(4, ClusterSnapshotDescriptor.END_PAGES_OFFSET);
        assertEquals(8, ClusterSnapshotDescriptor.END_PAGES_CRC_OFFSET);
        assertEquals(12, ClusterSnapshotDescriptor.END_ENTRY_COUNT_OFFSET);
        assertEquals(16, ClusterSnapshotDescriptor.END_CLIENT_COUNT_OFFSET);
        assertEquals(20, ClusterSnapshotDescriptor.END_LENGTH);
    }

    @Test
    void shouldKeepStatusAndPositionApartInAnOutcome()
    {
        final long outcome = ClientTable.encode(ClusterResponseDescriptor.TABLE_FULL, (1L << 55) + 12345);
        assertEquals(ClusterResponseDescriptor.TABLE_FULL, ClientTable.status(outcome));
        assertEquals((1L << 55) + 12345, ClientTable.position(outcome));
    }
}
