/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StateStoreTest
{
    @TempDir
    File dir;

    @Test
    void shouldPutGetRemoveLongKeys()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 64)))
        {
            final UnsafeBuffer value = Fixtures.value(7, 1, 40);
            store.put(7L, value, 0, 40);
            assertTrue(store.contains(7L));
            assertEquals(1, store.size());
            final UnsafeBuffer destination = new UnsafeBuffer(new byte[64]);
            assertEquals(40, store.get(7L, destination, 0));
            assertArrayEquals(Fixtures.bytes(value, 0, 40), Fixtures.bytes(destination, 0, 40));
            final DirectBuffer view = store.view(7L);
            assertEquals(40, view.capacity());
            assertArrayEquals(Fixtures.bytes(value, 0, 40), Fixtures.bytes(view, 0, 40));
            assertEquals(StateStore.MISSING, store.get(8L, destination, 0));
            assertNull(store.view(8L));
            assertEquals(1, store.lastSequence());
            assertTrue(store.remove(7L));
            assertFalse(store.remove(7L));
            assertFalse(store.contains(7L));
            assertEquals(0, store.size());
            assertEquals(3, store.lastSequence());
        }
    }

    @Test
    void shouldTouchABucketWithoutChangingAnything() throws Exception
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 64)))
        {
            for (long key = 0; key < 500; key++)
            {
                store.put(key, Fixtures.value(key, 1, 16), 0, 16);
            }
            store.checkpointAndAwait();
            final Map<String, Long> before = Fixtures.digest(dir);
            final long sequence = store.lastSequence();
            final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
            for (long k = 0; k < 1000; k++)
            {
                key.putLong(4, k, java.nio.ByteOrder.LITTLE_ENDIAN);
                store.prefetch(key, 4);
            }
            assertEquals(0, store.prefetch(key, 9), "a key running past its buffer is ignored");
            assertEquals(0, store.prefetch(key, -1), "a negative offset is ignored");
            assertEquals(sequence, store.lastSequence());
            assertEquals(500, store.size());
            assertEquals(before, Fixtures.digest(dir), "no file byte changed");
        }
    }

    @Test
    void shouldServeByteKeysAndLongKeysAlikeOnAnEightByteStore()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16)))
        {
            final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
            key.putLong(0, 0x0102030405060708L, java.nio.ByteOrder.LITTLE_ENDIAN);
            store.put(key, 0, Fixtures.value(1, 1, 8), 0, 8);
            assertTrue(store.contains(0x0102030405060708L));
            assertTrue(store.contains(key, 0));
        }
    }

    @Test
    void shouldStoreWideByteKeys()
    {
        final StoreContext ctx = new StoreContext().dir(dir).keyLength(21).maxValueLength(32)
            .capacity(500).errorHandler(Fixtures.IGNORED::add);
        final Map<String, byte[]> model = new HashMap<>();
        try (StateStore store = StateStore.open(ctx))
        {
            final UnsafeBuffer key = new UnsafeBuffer(new byte[21]);
            for (int i = 0; i < 400; i++)
            {
                final String name = String.format("account-%013d", i);
                key.putStringWithoutLengthAscii(0, name);
                final UnsafeBuffer value = Fixtures.value(i, 0, i % 33);
                store.put(key, 0, value, 0, i % 33);
                model.put(name, Fixtures.bytes(value, 0, i % 33));
            }
            for (int i = 0; i < 400; i += 3)
            {
                final String name = String.format("account-%013d", i);
                key.putStringWithoutLengthAscii(0, name);
                assertTrue(store.remove(key, 0));
                model.remove(name);
            }
            assertEquals(model.size(), store.size());
            final UnsafeBuffer destination = new UnsafeBuffer(new byte[32]);
            for (final Map.Entry<String, byte[]> entry : model.entrySet())
            {
                key.putStringWithoutLengthAscii(0, entry.getKey());
                final int length = store.get(key, 0, destination, 0);
                assertArrayEquals(entry.getValue(), Fixtures.bytes(destination, 0, length), entry.getKey());
            }
            final int[] visited = new int[1];
            store.forEach((k, v) ->
            {
                assertEquals(21, k.capacity());
                assertTrue(model.containsKey(k.getStringWithoutLengthAscii(0, 21)));
                visited[0]++;
            });
            assertEquals(model.size(), visited[0]);
        }
    }

    @Test
    void shouldKeepLiveRegionInAnotherDirectoryAndGiveItBackOnClose(@TempDir final File liveDir)
    {
        final UnsafeBuffer value = Fixtures.value(3, 3, 16);
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
        {
            store.put(3L, value, 0, 16);
            final File[] live = liveDir.listFiles();
            assertNotNull(live);
            assertEquals(1, live.length);
            assertEquals("tidemark-live-" + Long.toHexString(store.storeId()) + ".dat", live[0].getName());
            assertFalse(new File(dir, "live.dat").exists());
        }
        assertEquals(0, java.util.Objects.requireNonNull(liveDir.listFiles()).length, "live region given back");
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            assertEquals(16, store.get(3L, out, 0));
            assertArrayEquals(Fixtures.bytes(value, 0, 16), Fixtures.bytes(out, 0, 16));
        }
    }

    @Test
    void shouldKeepLiveRegionInSharedMemoryWhenAskedAfterTheStoreDirectory()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(null)))
        {
            store.put(4L, Fixtures.value(4, 4, 16), 0, 16);
            assertTrue(new File(dir, "live.dat").isFile(), "live region not in the store directory when asked");
        }
        final File shm = new File(StoreConfiguration.LIVE_DIR_DEFAULT);
        assumeTrue(shm.isDirectory() && shm.canWrite(), "no writable " + shm + " here");
        // The open refuses a live directory without room for the region and its headroom: a full tmpfs is not a bug.
        assumeTrue(shm.getUsableSpace() > StoreConfiguration.LIVE_DIR_DEFAULT_HEADROOM + 16L * 1024 * 1024,
            "too little room in " + shm + ": " + shm.getUsableSpace() + " bytes");
        final File live;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(shm)))
        {
            live = new File(shm, "tidemark-live-" + Long.toHexString(store.storeId()) + ".dat");
            assertTrue(live.isFile(), "live region not in " + shm);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            assertEquals(16, store.get(4L, out, 0), "the state came back from the slot into the new place");
        }
        assertFalse(live.exists(), "live region not given back on close");
    }

    @Test
    void shouldKeepLiveRegionInStoreDirectoryWhenAsked()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(null)))
        {
            store.put(5L, Fixtures.value(5, 5, 16), 0, 16);
            assertTrue(new File(dir, "live.dat").isFile());
        }
        assertTrue(new File(dir, "live.dat").isFile(), "the store directory's live region stays, as before");
    }

    @Test
    void shouldRefuseToOpenACopyOfAnOpenStoreOnTheSameLiveRegion(@TempDir final File liveDir, @TempDir final File copy)
        throws Exception
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
        {
            store.put(6L, Fixtures.value(6, 6, 16), 0, 16);
            store.checkpointAndAwait();
            for (final File file : java.util.Objects.requireNonNull(dir.listFiles()))
            {
                if (file.isFile() && !file.getName().endsWith(".lock"))
                {
                    java.nio.file.Files.copy(file.toPath(), new File(copy, file.getName()).toPath());
                }
            }
            // The copy has the same store id, so the same live region name: it must not map the open store's.
            final TidemarkException refused = assertThrows(TidemarkException.class,
                () -> StateStore.open(Fixtures.context(copy, 100, 16).liveRegionDirectory(liveDir)).close());
            assertTrue(refused.getMessage().contains("in use by another open store with the same id"),
                refused.getMessage());
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            assertEquals(16, store.get(6L, out, 0), "the open store is untouched");
        }
    }

    @Test
    void shouldRefuseALiveRegionDirectoryWithoutRoomAndWriteNothingThere(@TempDir final File mountPoint)
        throws Exception
    {
        // A real tmpfs of 1 MiB (root only: skipped where mount is refused) against a region of several MiB.
        assumeTrue(0 == new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tidemark-test", mountPoint.getPath())
            .redirectErrorStream(true).start().waitFor(), "cannot mount a tmpfs here");
        try
        {
            final TidemarkException refused = assertThrows(TidemarkException.class, () -> StateStore.open(
                Fixtures.context(dir, 20_000, 200).liveRegionDirectory(mountPoint)).close());
            assertTrue(refused.getMessage().contains("no room for the live region in " + mountPoint),
                refused.getMessage());
            assertEquals(0, java.util.Objects.requireNonNull(mountPoint.listFiles()).length,
                "the refused open wrote into the small directory");
        }
        finally
        {
            new ProcessBuilder("umount", mountPoint.getPath()).start().waitFor();
        }
    }

    @Test
    void shouldRestoreExactStateAfterCleanClose()
    {
        final Map<Long, byte[]> model = new HashMap<>();
        try (StateStore store = StateStore.open(Fixtures.context(dir, 5000, 100)))
        {
            for (long key = 0; key < 3000; key++)
            {
                final int length = (int)(key % 101);
                final UnsafeBuffer value = Fixtures.value(key, 1, length);
                store.put(key, value, 0, length);
                model.put(key, Fixtures.bytes(value, 0, length));
                store.logPosition(key * 64);
            }
        }
        try (StateStore store = StateStore.open(Fixtures.context(dir, 5000, 100)))
        {
            Fixtures.assertStoreEquals(model, store, "after clean reopen");
            assertEquals(3000, store.statistics().restoredSequence());
            assertEquals(2999 * 64, store.statistics().restoredPosition());
            assertFalse(store.statistics().restoredFromFallback());
        }
    }
}
