/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client table's window of outcomes and its choice of whom to forget, which every member must make alike.
 */
class ClientTableTest
{
    @Test
    void shouldAnswerRepeatsWithinTheWindowOnly()
    {
        final ClientTable table = new ClientTable(4);
        final int slot = table.add(11, 100, Long.MAX_VALUE);
        for (long id = 1; id <= 300; id++)
        {
            table.record(slot, id, ClusterResponseDescriptor.APPLIED, 1000 + id);
        }
        assertEquals(1300, ClientTable.position(table.outcome(slot, 300)));
        assertEquals(1173, ClientTable.position(table.outcome(slot, 173)));
        assertEquals(ClientTable.MISSING, table.outcome(slot, 172), "older than the window");
        assertEquals(ClientTable.MISSING, table.outcome(slot, 301), "not yet processed");
        assertEquals(ClientTable.MISSING, table.outcome(slot, 0));
    }

    @Test
    void shouldForgetTheClientSeenLongestAgo()
    {
        final ClientTable table = new ClientTable(3);
        table.add(1, 10, Long.MAX_VALUE);
        table.add(2, 5, Long.MAX_VALUE);
        table.add(3, 20, Long.MAX_VALUE);
        table.seen(table.slot(2), 30);
        assertEquals(-1, table.add(4, 40, 10), "nobody seen before 10: the new client is refused");
        assertEquals(0, table.slot(1), "and nobody was forgotten");
        final int slot = table.add(4, 40, 11);
        assertEquals(0, slot, "client 1, seen at 10, is replaced");
        assertEquals(-1, table.slot(1));
        assertEquals(0, table.lastRequestId(table.slot(4)));
        assertEquals(3, table.count());
    }

    @Test
    void shouldRefuseASnapshotThatOverflowsOrRepeats()
    {
        final ClientTable table = new ClientTable(1);
        table.load(5, 1, 1, new long[ClusterRequestDescriptor.OUTCOME_WINDOW]);
        assertThrows(IllegalStateException.class,
            () -> table.load(6, 1, 1, new long[ClusterRequestDescriptor.OUTCOME_WINDOW]));
        final ClientTable other = new ClientTable(2);
        other.load(5, 1, 1, new long[ClusterRequestDescriptor.OUTCOME_WINDOW]);
        assertThrows(IllegalStateException.class,
            () -> other.load(5, 1, 1, new long[ClusterRequestDescriptor.OUTCOME_WINDOW]));
        assertThrows(IllegalArgumentException.class, () -> new ClientTable(0));
    }
}
