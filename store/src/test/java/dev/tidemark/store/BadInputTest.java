/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every bad input gets a clear exception and changes nothing: not the state, not a byte of any file.
 */
class BadInputTest
{
    private static final int CAPACITY = 64;
    private static final int MAX_VALUE = 32;

    @TempDir
    File dir;

    @Test
    void shouldRejectBadInputWithoutChangingStateOrFiles() throws Exception
    {
        final Map<Long, byte[]> model = new HashMap<>();
        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            for (long key = 0; key < CAPACITY; key++)
            {
                final UnsafeBuffer value = Fixtures.value(key, 1, 16);
                store.put(key, value, 0, 16);
                model.put(key, Fixtures.bytes(value, 0, 16));
            }
            store.logPosition(640);
            final UnsafeBuffer big = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE + 1));
            final UnsafeBuffer small = new UnsafeBuffer(ByteBuffer.allocateDirect(4));
            final UnsafeBuffer shortKey = new UnsafeBuffer(ByteBuffer.allocateDirect(7));
            final StoreBatch batch = store.newBatch();

            rejects(store, model, IllegalArgumentException.class, "value length out of range: valueLength=33",
                () -> store.put(1L, big, 0, MAX_VALUE + 1));
            rejects(store, model, IllegalArgumentException.class, "value length out of range: valueLength=-1",
                () -> store.put(1L, big, 0, -1));
            rejects(store, model, IllegalArgumentException.class, "value out of buffer bounds",
                () -> store.put(1L, small, 0, 8));
            rejects(store, model, IllegalArgumentException.class, "key shorter than keyLength=8",
                () -> store.put(shortKey, 0, small, 0, 4));
            rejects(store, model, IllegalStateException.class, "table full: capacity=64",
                () -> store.put(1000L, small, 0, 4));
            rejects(store, model, IllegalArgumentException.class, "destination too small: valueLength=16",
                () -> store.get(1L, small, 0));
            rejects(store, model, IllegalArgumentException.class, "log position went backwards",
                () -> store.logPosition(639));
            rejects(store, model, IllegalArgumentException.class, "value length out of range",
                () -> batch.put(1L, big, 0, MAX_VALUE + 1));
            assertEquals(0, batch.operationCount());

            batch.clear().remove(1L).put(2000L, small, 0, 4).put(2001L, small, 0, 4);
            rejects(store, model, IllegalStateException.class, "table full: batch operation 2",
                () -> store.apply(batch));

            final UnsafeBuffer malformed = new UnsafeBuffer(new byte[16]);
            malformed.putInt(0, 9);
            rejects(store, model, IllegalArgumentException.class, "malformed batch operation at offset=0",
                () -> batch.wrap(malformed, 0, 16));

            final AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
            final Thread other = new Thread(() ->
            {
                try
                {
                    store.put(1L, small, 0, 4);
                }
                catch (final Throwable ex)
                {
                    fromOtherThread.set(ex);
                }
            }, "not-the-writer");
            final Map<String, Long> before = Fixtures.digest(dir);
            other.start();
            other.join();
            assertInstanceOf(IllegalStateException.class, fromOtherThread.get());
            assertTrue(fromOtherThread.get().getMessage().contains("not the writer thread: thread=not-the-writer"));
            assertEquals(before, Fixtures.digest(dir));
            Fixtures.assertStoreEquals(model, store, "after a call from another thread");

            store.forEachLong((key, value) -> assertThrows(IllegalStateException.class, () -> store.remove(key)));
            Fixtures.assertStoreEquals(model, store, "after changes attempted inside forEach");
        }

        final Map<String, Long> closedDigest = Fixtures.digest(dir);
        final StateStore closed = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE));
        closed.close();
        final IllegalStateException ex = assertThrows(
            IllegalStateException.class, () -> closed.put(1L, Fixtures.value(1, 1, 4), 0, 4));
        assertTrue(ex.getMessage().startsWith("store closed"), ex.getMessage());
        assertThrows(IllegalStateException.class, () -> closed.get(1L, new UnsafeBuffer(new byte[64]), 0));
        // Every open rewrites live.dat (never trusted: the table from the slot, the reader block zeroed), so the
        // open and close between the two digests may change it; nothing else.
        final Map<String, Long> afterDigest = Fixtures.digest(dir);
        closedDigest.remove(StoreDirectory.LIVE_FILE_NAME);
        afterDigest.remove(StoreDirectory.LIVE_FILE_NAME);
        assertEquals(closedDigest, afterDigest);
    }

    @Test
    void shouldRejectLongKeysOnByteKeyStore() throws IOException
    {
        try (StateStore store = StateStore.open(new StoreContext().dir(dir).keyLength(16).maxValueLength(8)
            .capacity(10).errorHandler(Fixtures.IGNORED::add)))
        {
            final Map<String, Long> before = Fixtures.digest(dir);
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> store.put(1L, Fixtures.value(1, 1, 4), 0, 4));
            assertEquals("long key on a store with keyLength=16", ex.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.newBatch().remove(1L));
            assertEquals(0, store.size());
            assertEquals(before, Fixtures.digest(dir));
        }
    }

    @Test
    void shouldRejectBadSettingsBeforeTouchingDisk()
    {
        final File storeDir = new File(dir, "never-created");
        assertThrows(IllegalArgumentException.class,
            () -> StateStore.open(new StoreContext().dir(storeDir).keyLength(0)));
        assertThrows(IllegalArgumentException.class,
            () -> StateStore.open(new StoreContext().dir(storeDir).maxValueLength(-3)));
        assertThrows(IllegalArgumentException.class,
            () -> StateStore.open(new StoreContext().dir(storeDir).capacity(0)));
        assertThrows(IllegalArgumentException.class,
            () -> StateStore.open(new StoreContext().dir(storeDir).pageSize(1000)));
        assertThrows(IllegalArgumentException.class, () -> StateStore.open(new StoreContext()));
        assertFalse(storeDir.exists());
    }

    @Test
    void shouldRefuseNonPositiveExplicitSettingsNamingThem()
    {
        final File storeDir = new File(dir, "never-created");
        refusesSetting("capacity must be positive: capacity=-1", () -> new StoreContext().capacity(-1));
        refusesSetting("capacity must be positive: capacity=0", () -> new StoreContext().capacity(0));
        refusesSetting("keyLength=-1", () -> new StoreContext().keyLength(-1));
        refusesSetting("keyLength=0", () -> new StoreContext().keyLength(0));
        refusesSetting("maxValueLength=-1", () -> new StoreContext().maxValueLength(-1));
        refusesSetting("pageSize=0", () -> new StoreContext().pageSize(0));
        refusesSetting("pageSize=-4096", () -> new StoreContext().pageSize(-4096));
        refusesSetting("checkpointDurableTimeoutNs=0", () -> new StoreContext().checkpointDurableTimeoutNs(0));
        refusesSetting("checkpointPagesPerDutyCycle=0", () -> new StoreContext().checkpointPagesPerDutyCycle(0));
        refusesSetting("checkpointPreImagePages=-1", () -> new StoreContext().checkpointPreImagePages(-1));
        refusesSetting("maxBatchOperations=0", () -> new StoreContext().maxBatchOperations(0));
        refusesSetting("batchInitialCapacity=-1", () -> new StoreContext().batchInitialCapacity(-1));
        refusesSetting("capacity must be positive: capacity=-1",
            () -> StateStore.open(new StoreContext().dir(storeDir).capacity(-1)));
        assertFalse(storeDir.exists());

        final StoreContext unset = new StoreContext();
        assertEquals(StoreContext.UNSET, unset.capacity(), "not set reads as UNSET");
        assertEquals(StoreContext.UNSET, unset.keyLength());
        assertEquals(StoreContext.UNSET, unset.maxValueLength());
    }

    @Test
    void shouldNameTheNullArgument() throws IOException
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)))
        {
            final UnsafeBuffer value = Fixtures.value(1, 1, 8);
            final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
            store.put(1L, value, 0, 8);
            final Map<Long, byte[]> model = new HashMap<>();
            model.put(1L, Fixtures.bytes(value, 0, 8));
            final StoreBatch batch = store.newBatch();

            rejectsNull(store, model, "value", () -> store.put(2L, null, 0, 8));
            rejectsNull(store, model, "value", () -> store.put(key, 0, null, 0, 8));
            rejectsNull(store, model, "key", () -> store.put(null, 0, value, 0, 8));
            rejectsNull(store, model, "key", () -> store.remove(null, 0));
            rejectsNull(store, model, "key", () -> store.get(null, 0, value, 0));
            rejectsNull(store, model, "destination", () -> store.get(1L, null, 0));
            rejectsNull(store, model, "destination", () -> store.get(key, 0, null, 0));
            rejectsNull(store, model, "key", () -> store.view(null, 0));
            rejectsNull(store, model, "key", () -> store.contains(null, 0));
            rejectsNull(store, model, "key", () -> store.prefetch(null, 0));
            rejectsNull(store, model, "batch", () -> store.apply(null));
            rejectsNull(store, model, "batch", () -> store.checkApplicable(null));
            rejectsNull(store, model, "consumer", () -> store.forEach(null));
            rejectsNull(store, model, "consumer", () -> store.forEachLong(null));
            rejectsNull(store, model, "value", () -> batch.put(2L, null, 0, 8));
            rejectsNull(store, model, "key", () -> batch.put(null, 0, value, 0, 8));
            rejectsNull(store, model, "key", () -> batch.remove(null, 0));
            rejectsNull(store, model, "buffer", () -> batch.wrap(null, 0, 0));
            assertThrows(NullPointerException.class, () -> new StoreContext().durableLog(null));
            assertThrows(NullPointerException.class, () -> new StoreContext().kind(null));
            assertEquals(0, batch.operationCount());
        }
    }

    @Test
    void shouldWriteNothingWhenOpenIsRefused() throws IOException
    {
        final File missing = new File(dir, "missing");
        final TidemarkException ex = assertThrows(TidemarkException.class,
            () -> StateStore.open(Fixtures.context(missing, CAPACITY, MAX_VALUE).createIfMissing(false)));
        assertTrue(ex.getMessage().contains("no store in directory and createIfMissing=false"), ex.getMessage());
        assertFalse(missing.exists(), "a refused open created the directory");

        final File empty = new File(dir, "empty");
        assertTrue(empty.mkdir());
        assertThrows(TidemarkException.class,
            () -> StateStore.open(Fixtures.context(empty, CAPACITY, MAX_VALUE).createIfMissing(false)));
        assertArrayEquals(new String[0], empty.list(), "a refused open wrote into the directory");

        final File existing = new File(dir, "existing");
        StateStore.open(Fixtures.context(existing, CAPACITY, MAX_VALUE)).close();
        assertTrue(new File(existing, StoreDirectory.LOCK_FILE_NAME).delete());
        final Map<String, Long> before = Fixtures.digest(existing);
        assertThrows(IllegalArgumentException.class,
            () -> StateStore.open(Fixtures.context(existing, CAPACITY + 1, MAX_VALUE)));
        assertEquals(before, Fixtures.digest(existing), "a refused open wrote into the store directory");
    }

    @Test
    void shouldLeaveNoNewStoreBehindWhenTheOpenThatCreatedItFails() throws IOException
    {
        final File storeDir = new File(dir, "store");
        final File notADirectory = new File(dir, "not-a-directory");
        assertTrue(notADirectory.createNewFile());
        final TidemarkException ex = assertThrows(TidemarkException.class, () -> StateStore.open(
            Fixtures.context(storeDir, CAPACITY, MAX_VALUE).liveRegionDirectory(notADirectory)));
        assertTrue(ex.getMessage().contains("is not a directory"), ex.getMessage());
        assertArrayEquals(new String[]{ StoreDirectory.LOCK_FILE_NAME }, storeDir.list(),
            () -> "a failed open left the store it created: " + java.util.Arrays.toString(storeDir.list()));

        try (StateStore store = StateStore.open(Fixtures.context(storeDir, CAPACITY, MAX_VALUE)))
        {
            assertEquals(0, store.size(), "and the next open creates it anew");
        }
    }

    private static void refusesSetting(final String message, final Executable call)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call, message);
        assertTrue(ex.getMessage().contains(message), "expected '" + message + "' in: " + ex.getMessage());
    }

    private void rejectsNull(
        final StateStore store, final Map<Long, byte[]> model, final String argument, final Executable call)
        throws IOException
    {
        final Map<String, Long> before = Fixtures.digest(dir);
        final long sequence = store.lastSequence();
        final NullPointerException ex = assertThrows(NullPointerException.class, call, argument);
        assertEquals("null argument: " + argument + "=null", ex.getMessage());
        assertEquals(sequence, store.lastSequence(), argument);
        Fixtures.assertStoreEquals(model, store, argument);
        assertEquals(before, Fixtures.digest(dir), "files changed by a null " + argument);
    }

    private void rejects(
        final StateStore store,
        final Map<Long, byte[]> model,
        final Class<? extends Throwable> type,
        final String message,
        final Executable call) throws IOException
    {
        final Map<String, Long> before = Fixtures.digest(dir);
        final long sequence = store.lastSequence();
        final long position = store.lastPosition();
        final Throwable thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().contains(message), "expected '" + message + "' in: " + thrown.getMessage());
        assertEquals(sequence, store.lastSequence(), message);
        assertEquals(position, store.lastPosition(), message);
        Fixtures.assertStoreEquals(model, store, message);
        assertEquals(before, Fixtures.digest(dir), "files changed by: " + message);
    }
}
