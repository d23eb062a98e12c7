/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An interrupt of the thread that writes the slots (a thread of the user's driving the checkpointer, or the store's
 * own) closes a file channel under it: the checkpoint must still commit, the store stay healthy, and a thread of the
 * user's keep its interrupt status.
 */
class InterruptTest
{
    private static final int CAPACITY = 40_000;
    private static final int MAX_VALUE = 64;

    @TempDir
    File dir;

    @AfterEach
    void clearInterrupt()
    {
        Thread.interrupted();
    }

    @Test
    void shouldCommitCheckpointsDrivenByAnInterruptedThreadOfTheUsersAndKeepItsStatus()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)
            .useCheckpointerInvoker(true)))
        {
            putAll(store, 0, CAPACITY / 2);
            final long committed = store.statistics().checkpointsCommitted();
            Thread.currentThread().interrupt();
            store.checkpointAndAwait();
            assertTrue(Thread.interrupted(), "the caller's interrupt status is kept");
            assertNull(store.failure());
            assertEquals(committed + 1, store.statistics().checkpointsCommitted());
            putAll(store, CAPACITY / 2, CAPACITY / 2 + 1_000);
            Thread.currentThread().interrupt();
            // The close's own checkpoint, driven by the same interrupted thread.
        }
        assertTrue(Thread.interrupted());
        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            assertEquals(0, store.statistics().restoredFromFallback() ? 1 : 0);
            checkAll(store, 0, CAPACITY / 2 + 1_000);
        }
    }

    @Test
    void shouldCommitACheckpointWhoseOwnThreadIsInterruptedThroughout() throws Exception
    {
        final AtomicReference<Thread> checkpointerThread = new AtomicReference<>();
        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)
            .checkpointWriteBytesPerSecond(4L * 1024 * 1024)
            .checkpointerThreadFactory((runnable) ->
            {
                final Thread thread = new Thread(runnable, "interrupted-checkpointer");
                thread.setDaemon(true);
                checkpointerThread.set(thread);
                return thread;
            })))
        {
            putAll(store, 0, CAPACITY / 2);
            final long committed = store.statistics().checkpointsCommitted();
            for (int round = 0; round < 2; round++)
            {
                assertTrue(store.checkpoint());
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                int interrupts = 0;
                while (!store.awaitCheckpoint(TimeUnit.MILLISECONDS.toNanos(1)))
                {
                    checkpointerThread.get().interrupt();
                    interrupts++;
                    assertTrue(System.nanoTime() - deadline < 0, "checkpoint did not end");
                }
                assertTrue(interrupts > 0 || round > 0, "the checkpoint was interrupted at least once");
                assertNull(store.failure(), () -> String.valueOf(store.failure()));
                assertEquals(committed + round + 1, store.statistics().checkpointsCommitted());
                assertTrue(checkpointerThread.get().isAlive(), "the checkpointer's thread survives its interrupts");
                putAll(store, CAPACITY / 2 + round * 500, CAPACITY / 2 + (round + 1) * 500);
            }
        }
        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            checkAll(store, 0, CAPACITY / 2 + 1_000);
        }
    }

    private static void putAll(final StateStore store, final long from, final long to)
    {
        for (long key = from; key < to; key++)
        {
            store.put(key, Fixtures.value(key, 1, MAX_VALUE), 0, MAX_VALUE);
        }
    }

    private static void checkAll(final StateStore store, final long from, final long to)
    {
        final UnsafeBuffer value = new UnsafeBuffer(new byte[MAX_VALUE]);
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[MAX_VALUE]);
        for (long key = from; key < to; key++)
        {
            assertEquals(MAX_VALUE, store.get(key, value, 0), "key " + key);
            Fixtures.fill(expected, key, 1, MAX_VALUE);
            assertEquals(expected, value, "key " + key);
        }
    }
}
