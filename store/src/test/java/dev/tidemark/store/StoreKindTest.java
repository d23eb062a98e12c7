/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The store's kind is kept in its header: the wrong opener is refused naming both kinds, and writes nothing. A
 * directory that lost its header is refused whatever its kind; an unfinished creation is finished.
 */
class StoreKindTest
{
    private static final int CAPACITY = 100;
    private static final int MAX_VALUE = 16;

    @TempDir
    File dir;

    @Test
    void shouldRefusePlainOpenOfDurableStoreNamingBothKindsAndWriteNothing() throws IOException
    {
        try (StateStore store = StateStore.open(context().kind(StoreKind.DURABLE)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
        }
        final Map<String, Long> before = Fixtures.digest(dir);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> StateStore.open(context()));
        assertTrue(ex.getMessage().contains("store kind mismatch: opened as kind=PLAIN, store kind=DURABLE"),
            ex.getMessage());
        assertEquals(before, Fixtures.digest(dir));

        try (StateStore store = StateStore.open(context().kind(StoreKind.DURABLE)))
        {
            assertEquals(1, store.size(), "the right opener still opens it");
        }
    }

    @Test
    void shouldRefuseDurableOpenOfPlainStoreNamingBothKindsAndWriteNothing() throws IOException
    {
        StateStore.open(context()).close();
        final Map<String, Long> before = Fixtures.digest(dir);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> StateStore.open(context().kind(StoreKind.DURABLE)));
        assertTrue(ex.getMessage().contains("store kind mismatch: opened as kind=DURABLE, store kind=PLAIN"),
            ex.getMessage());
        assertEquals(before, Fixtures.digest(dir));
    }

    @Test
    void shouldRefuseDurableStoreWhoseHeaderIsMissing() throws IOException
    {
        try (StateStore store = StateStore.open(context().kind(StoreKind.DURABLE)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
            store.checkpointAndAwait();
        }
        assertTrue(new File(dir, "archive").mkdir(), "as a durable store's archive would be");
        assertTrue(new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME).delete());
        final Map<String, Long> before = Fixtures.digest(dir);
        final TidemarkException ex = assertThrows(TidemarkException.class,
            () -> StateStore.open(context().kind(StoreKind.DURABLE)));
        assertTrue(ex.getMessage().contains("files found: live.dat, slot-a.dat, slot-b.dat."), ex.getMessage());
        assertEquals(before, Fixtures.digest(dir));

        // A reset removes the store's files and keeps the archive, for its log to be replayed into a new store.
        assertEquals(0, StoreTool.run("reset", dir, new java.io.PrintStream(new java.io.ByteArrayOutputStream())));
        assertTrue(new File(dir, "archive").isDirectory());
        try (StateStore store = StateStore.open(context().kind(StoreKind.DURABLE)))
        {
            assertEquals(0, store.size());
        }
    }

    @Test
    void shouldFinishAnUnfinishedCreation() throws IOException
    {
        StateStore.open(context()).close();
        // As a creation cut short before its header was renamed into place leaves the directory.
        final File header = new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
        Files.move(header.toPath(), new File(dir, StoreDirectory.HEADER_TEMP_FILE_NAME).toPath());
        assertTrue(new File(dir, StoreDirectory.LIVE_FILE_NAME).delete());
        try (StateStore store = StateStore.open(context()))
        {
            assertEquals(0, store.size());
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
        }
        assertFalse(new File(dir, StoreDirectory.HEADER_TEMP_FILE_NAME).exists());
        try (StateStore store = StateStore.open(context()))
        {
            assertEquals(1, store.size());
        }
    }

    @Test
    void shouldLeaveAResetStoreOpenableAsNew() throws IOException
    {
        try (StateStore store = StateStore.open(context()))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
        }
        assertEquals(0, StoreTool.run("reset", dir, new java.io.PrintStream(new java.io.ByteArrayOutputStream())));
        assertFalse(new File(dir, StoreDirectory.HEADER_TEMP_FILE_NAME).exists());
        try (StateStore store = StateStore.open(context().kind(StoreKind.DURABLE)))
        {
            assertEquals(0, store.size());
        }
    }

    private StoreContext context()
    {
        return Fixtures.contextInStoreDir(dir, CAPACITY, MAX_VALUE);
    }
}
