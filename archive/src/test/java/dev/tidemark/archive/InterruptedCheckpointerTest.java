/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The durable store's checkpointer thread interrupted over and over while it copies, forces the recording and commits:
 * every checkpoint still commits, nothing fails, and the state reopens whole.
 */
class InterruptedCheckpointerTest
{
    private static final int VALUE = 48;

    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();

    @Test
    void shouldCommitEveryCheckpointWhileItsThreadIsInterruptedThroughout()
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE));
        long key = 0;
        try (DurableStore store = open())
        {
            final Thread checkpointer = Thread.getAllStackTraces().keySet().stream()
                .filter((thread) -> thread.getName().equals("tidemark-checkpointer") && thread.isAlive())
                .findFirst().orElseThrow();
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < 5_000; i++, key++)
                {
                    value.putLong(0, key);
                    store.put(key, value, 0, VALUE, Durability.NONE);
                }
                final long committed = store.storeView().checkpointsCommitted();
                assertTrue(store.checkpoint());
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!store.awaitCheckpoint(TimeUnit.MICROSECONDS.toNanos(200)))
                {
                    checkpointer.interrupt();
                    assertTrue(System.nanoTime() - deadline < 0, "checkpoint did not end");
                }
                assertEquals(committed + 1, store.storeView().checkpointsCommitted(), "round " + round);
                assertNull(store.storeView().failure(), () -> String.valueOf(store.storeView().failure()));
            }
            assertTrue(checkpointer.isAlive(), "the checkpointer's thread survives its interrupts");
            store.closeWithoutCheckpoint();
        }
        assertEquals(List.of(), errors);
        try (DurableStore store = open())
        {
            assertEquals(0, store.recovery().replayedMessages(), "the last checkpoint is at the end of the log");
            assertEquals(key, store.size());
            final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE]);
            for (long k = 0; k < key; k++)
            {
                assertEquals(VALUE, store.get(k, out, 0));
                assertEquals(k, out.getLong(0));
            }
        }
    }

    private DurableStore open()
    {
        return DurableStore.open(new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(VALUE).capacity(50_000).checkpointWriteBytesPerSecond(8L << 20))
            .errorHandler(errors::add));
    }
}
