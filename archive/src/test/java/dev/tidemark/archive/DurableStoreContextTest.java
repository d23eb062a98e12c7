/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.DurableLog;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreHeaderDescriptor;
import dev.tidemark.store.StoreKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The durable store's context contains the mapped store's: what it takes from it, what it sets on it, and what it
 * refuses.
 */
class DurableStoreContextTest
{
    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();

    @Test
    void shouldTakeTheStoreSettingsFromTheStoreContextAndSetTheDurableOnes()
    {
        final StoreContext storeContext = new StoreContext().dir(dir).keyLength(8).maxValueLength(24).capacity(500);
        try (DurableStore store = DurableStore.open(new DurableStoreContext().storeContext(storeContext)
            .durableTimeoutNs(7_000_000_000L).errorHandler(errors::add)))
        {
            assertEquals(8, store.storeView().keyLength());
            assertEquals(24, store.storeView().maxValueLength());
            assertEquals(500, store.storeView().capacity());
            assertEquals(dir, store.storeView().dir());
            assertEquals(StoreKind.DURABLE, storeContext.kind());
            assertEquals(7_000_000_000L, storeContext.checkpointDurableTimeoutNs(), "the checkpoint's log wait");
            assertNotSame(DurableLog.NONE, storeContext.durableLog());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldRefuseAStoreContextAlreadyUsedForAnOpenAndWriteNothing()
    {
        final StoreContext storeContext = new StoreContext().dir(dir).keyLength(8).maxValueLength(8).capacity(100);
        DurableStore.open(new DurableStoreContext().storeContext(storeContext).errorHandler(errors::add)).close();
        final File other = new File(dir, "other");
        final StoreContext used = storeContext.dir(other);
        final IllegalStateException refusal = assertThrows(IllegalStateException.class, () ->
            DurableStore.open(new DurableStoreContext().storeContext(used).errorHandler(errors::add)));
        assertTrue(refusal.getMessage().contains("storeContext already concluded"), refusal.getMessage());
        assertFalse(other.exists(), "a refused open wrote " + other);
    }

    @Test
    void shouldRefuseAStoreContextWithADurableLogOfItsOwn()
    {
        final StoreContext storeContext = new StoreContext().dir(dir).keyLength(8).maxValueLength(8).capacity(100)
            .durableLog(() -> Long.MAX_VALUE);
        final IllegalArgumentException refusal = assertThrows(IllegalArgumentException.class, () ->
            DurableStore.open(new DurableStoreContext().storeContext(storeContext).errorHandler(errors::add)));
        assertTrue(refusal.getMessage().contains("durableLog"), refusal.getMessage());
        assertEquals(0, dir.list().length, "a refused open wrote files");
    }

    @Test
    void shouldUseTheStoreContextsErrorHandlerWhenTheDurableContextHasNone() throws IOException
    {
        try (DurableStore store = DurableStore.open(new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(8).capacity(100))
            .errorHandler(errors::add)))
        {
            store.put(1L, new UnsafeBuffer(new byte[8]), 0, 8);
        }
        try (RandomAccessFile header = new RandomAccessFile(new File(dir, "header.dat"), "rw"))
        {
            header.seek(StoreHeaderDescriptor.COPY_0_OFFSET + StoreHeaderDescriptor.STORE_ID_OFFSET);
            header.write(0x5A); // copy 0 no longer matches its CRC: open reports it and uses copy 1
        }
        final List<Throwable> storeErrors = new ArrayList<>();
        try (DurableStore store = DurableStore.open(new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).errorHandler(storeErrors::add))))
        {
            assertTrue(store.contains(1L));
        }
        assertTrue(storeErrors.stream().anyMatch((e) -> e.getMessage().contains("header copy 0 invalid")),
            "the store context's handler got the report: " + storeErrors);
    }

    @Test
    void shouldKeepKeysWithEmptyValuesAcrossAReplay()
    {
        final UnsafeBuffer none = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        try (DurableStore store = DurableStore.open(keysOnly()))
        {
            store.checkpointAndAwait();
            for (long key = 0; key < 100; key++)
            {
                store.put(key, none, 0, 0, Durability.RECORDED);
            }
            store.remove(7L, Durability.RECORDED);
            store.apply(store.newBatch().put(200L, none, 0, 0).remove(8L), Durability.RECORDED);
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = DurableStore.open(keysOnly()))
        {
            assertEquals(102, store.recovery().replayedMessages());
            assertEquals(99, store.size());
            assertTrue(store.contains(0L));
            assertTrue(store.contains(200L));
            assertFalse(store.contains(7L));
            assertFalse(store.contains(8L));
            assertEquals(0, store.get(99L, new UnsafeBuffer(new byte[8]), 0));
        }
        assertEquals(List.of(), errors);
    }

    private DurableStoreContext keysOnly()
    {
        return new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(0).capacity(1000))
            .errorHandler(errors::add);
    }
}
