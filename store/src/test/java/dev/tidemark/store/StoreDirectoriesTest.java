/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Removing a failed create's files under the directory's lock: never while another opener holds it, the lock file
 * last, and the next opener gets a lock of its own.
 */
class StoreDirectoriesTest
{
    @TempDir
    File parent;

    @Test
    void shouldRemoveNothingWhileAnotherOpenerHoldsTheDirectory()
    {
        final File dir = new File(parent, "store");
        final List<Throwable> problems = new ArrayList<>();
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16)))
        {
            assertFalse(StoreDirectories.removeUnderLock(dir, Set.of(), true, problems::add));
            assertTrue(new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME).isFile(), "the holder's files stay");
            assertTrue(new File(dir, StoreDirectory.LOCK_FILE_NAME).isFile());
            store.put(1L, Fixtures.value(1, 1, 16), 0, 16);
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void shouldRemoveEverythingButWhatWasKeptTheLockFileAndTheDirectoryAndLetTheNextOpenerIn()
    {
        final File dir = new File(parent, "store");
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16)))
        {
            store.put(1L, Fixtures.value(1, 1, 16), 0, 16);
        }
        final List<Throwable> problems = new ArrayList<>();
        assertTrue(StoreDirectories.removeUnderLock(dir, Set.of(), true, problems::add));
        assertEquals(List.of(), problems);
        assertFalse(dir.exists(), "the directory the create made is gone");

        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16)))
        {
            assertEquals(0, store.size(), "a new store, its own lock");
        }
        assertTrue(StoreDirectories.removeUnderLock(dir, Set.of(StoreDirectory.LOCK_FILE_NAME), false,
            problems::add));
        assertArrayEquals(new String[]{ StoreDirectory.LOCK_FILE_NAME }, dir.list(), "only what was kept");
    }
}
