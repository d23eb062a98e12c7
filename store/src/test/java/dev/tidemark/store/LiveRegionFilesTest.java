/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the live region goes by default (/dev/shm, else the store directory), what the default does without room,
 * and the sweep of the live region files killed stores leave in a live region directory. A process holding one is
 * in {@link ChildProcessTest}.
 */
class LiveRegionFilesTest
{
    private static final long OLD_MS = LiveRegionFiles.STALE_AGE_MS * 6;

    @TempDir
    File dir;

    @Test
    void shouldChooseTheDefaultByWhetherTheTmpfsMapsHugePages()
    {
        assertFalse(StoreConfiguration.tmpfsMapsHugePages("always within_size advise [never] deny force",
            "rw,relatime,size=24684084k"));
        assertFalse(StoreConfiguration.tmpfsMapsHugePages(null, null));
        assertFalse(StoreConfiguration.tmpfsMapsHugePages("[advise]", "rw,huge=advise"));
        assertTrue(StoreConfiguration.tmpfsMapsHugePages("never", "rw,nosuid,huge=within_size,size=1g"));
        assertTrue(StoreConfiguration.tmpfsMapsHugePages(null, "huge=always"));
        assertTrue(StoreConfiguration.tmpfsMapsHugePages("always within_size advise never deny [force]", "rw"));

        assumeTrue(null == System.getProperty(StoreConfiguration.LIVE_DIR_PROP_NAME), "the property overrides it");
        final File expected = StoreConfiguration.defaultLiveRegionDirectory();
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16)))
        {
            final File live = store.statistics().liveRegionFile();
            assertEquals(null == expected ? new File(dir, StoreDirectory.LIVE_FILE_NAME) :
                LiveRegionFiles.file(expected, store.storeId()), live, "the default on this host");
        }
    }

    @Test
    void shouldMapTheLiveRegionFromDevShmWhenAskedAndGiveItBackOnClose() throws Exception
    {
        final File shm = new File(StoreConfiguration.LIVE_DIR_DEFAULT);
        assumeTrue(shm.isDirectory() && shm.canWrite(), "no writable " + shm + " here");
        assumeTrue(shm.getUsableSpace() > StoreConfiguration.LIVE_DIR_DEFAULT_HEADROOM + 16L * 1024 * 1024,
            "too little room in " + shm + ": " + shm.getUsableSpace() + " bytes");
        final File live;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionInSharedMemory()))
        {
            final File own = LiveRegionFiles.userDirectory(shm);
            live = LiveRegionFiles.file(own, store.storeId());
            assertEquals(live, store.statistics().liveRegionFile());
            assertTrue(live.isFile(), "live region not in " + own + " when asked");
            assertEquals("rwx------", permissions(own), "the user's live region directory is open to others");
            assertEquals("rw-------", permissions(live), "the live region file is open to others");
            assertFalse(new File(dir, StoreDirectory.LIVE_FILE_NAME).exists(), "a live region in the store directory");
            store.put(4L, Fixtures.value(4, 4, 16), 0, 16);
        }
        assertFalse(live.exists(), "live region not given back on close");
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionInSharedMemory()))
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            assertEquals(16, store.get(4L, out, 0), "the state came back from the slot");
        }
    }

    @Test
    void shouldKeepTheLiveRegionInTheStoreDirectoryWhenTheDefaultDirectoryHasNoRoom(@TempDir final File mountPoint)
        throws Exception
    {
        // A real tmpfs of 1 MiB (root only: skipped where mount is refused) against a region of several MiB.
        assumeTrue(0 == new ProcessBuilder(
            "mount", "-t", "tmpfs", "-o", "size=1m", "tidemark-test", mountPoint.getPath())
            .redirectErrorStream(true).start().waitFor(), "cannot mount a tmpfs here");
        try
        {
            final List<Throwable> errors = new ArrayList<>();
            final StoreContext ctx = Fixtures.context(dir, 20_000, 200).errorHandler(errors::add)
                .defaultLiveRegionDirectory(LiveRegionFiles.userDirectory(mountPoint));
            try (StateStore store = StateStore.open(ctx))
            {
                assertEquals(new File(dir, StoreDirectory.LIVE_FILE_NAME), store.statistics().liveRegionFile());
                store.put(1L, Fixtures.value(1, 1, 200), 0, 200);
                assertTrue(store.contains(1L));
            }
            assertEquals(1, errors.size(), errors.toString());
            final String message = errors.get(0).getMessage();
            assertTrue(message.contains("no room for the live region in " + mountPoint) &&
                message.contains("kept in the store directory instead"), message);
            assertEquals(0, Objects.requireNonNull(LiveRegionFiles.userDirectory(mountPoint).listFiles()).length,
                "the open wrote into the small directory");
        }
        finally
        {
            new ProcessBuilder("umount", mountPoint.getPath()).start().waitFor();
        }
    }

    @Test
    void shouldSweepStaleLiveRegionFilesNobodyHoldsAndKeepTheRest(@TempDir final File liveDir) throws Exception
    {
        final File storeA = new File(dir, "a");
        final File storeB = new File(dir, "b");
        final File stale = LiveRegionFiles.file(liveDir, 0xdeadL);
        final File fresh = LiveRegionFiles.file(liveDir, 0xbeefL);
        final File other = new File(liveDir, "not-a-live-region.dat");
        for (final File file : new File[] { stale, fresh, other })
        {
            Files.write(file.toPath(), new byte[4096]);
        }
        age(stale);
        age(other);
        try (StateStore a = StateStore.open(Fixtures.context(storeA, 100, 16).liveRegionDirectory(liveDir)))
        {
            assertFalse(stale.exists(), "a stale live region file nobody holds was kept");
            assertTrue(fresh.exists(), "a live region file younger than the stale age was swept");
            assertTrue(other.exists(), "a file not named as a live region was swept");
            a.put(1L, Fixtures.value(1, 1, 16), 0, 16);
            final File liveA = a.statistics().liveRegionFile();
            age(liveA);
            // Held by this JVM: the sweep must not even open it (closing a channel would drop a's lock).
            try (StateStore b = StateStore.open(Fixtures.context(storeB, 100, 16).liveRegionDirectory(liveDir)))
            {
                assertTrue(liveA.exists(), "the live region of an open store was swept");
                b.put(2L, Fixtures.value(2, 2, 16), 0, 16);
            }
            a.put(3L, Fixtures.value(3, 3, 16), 0, 16);
            a.checkpointAndAwait();
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            assertEquals(16, a.get(1L, out, 0));
        }
        try (StateStore a = StateStore.open(Fixtures.context(storeA, 100, 16).liveRegionDirectory(liveDir)))
        {
            assertTrue(a.contains(1L) && a.contains(3L), "the store's state after the others' sweeps");
        }
    }

    @Test
    void shouldRebuildTheLiveRegionFromTheSlotOverAFileAKilledOpenLeft(@TempDir final File liveDir) throws Exception
    {
        final long storeId;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
        {
            storeId = store.storeId();
            store.put(7L, Fixtures.value(7, 7, 16), 0, 16);
        }
        // As a SIGKILLed store leaves it: its own name, garbage in it, nobody holding it; fresh, then stale.
        final File left = LiveRegionFiles.file(liveDir, storeId);
        for (final boolean stale : new boolean[] { false, true })
        {
            final byte[] garbage = new byte[64 * 1024];
            java.util.Arrays.fill(garbage, (byte)0x5a);
            Files.write(left.toPath(), garbage);
            if (stale)
            {
                age(left);
            }
            try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
            {
                assertEquals(1, store.size());
                final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
                assertEquals(16, store.get(7L, out, 0));
                assertArrayEquals(Fixtures.bytes(Fixtures.value(7, 7, 16), 0, 16), Fixtures.bytes(out, 0, 16));
            }
            assertFalse(left.exists());
        }
    }

    @Test
    void shouldKeepTheLiveRegionInTheStoreDirectoryWhenTheDefaultDirectoryIsNotThisUsersAlone(
        @TempDir final File base) throws Exception
    {
        final File own = LiveRegionFiles.userDirectory(base);
        final File elsewhere = new File(base, "elsewhere");
        assertTrue(elsewhere.mkdir());
        // Closed to others, so that only the link check can refuse a link to it.
        Files.setPosixFilePermissions(elsewhere.toPath(), PosixFilePermissions.fromString("rwx------"));
        final String[] shapes = { "open to others", "a link", "a file", "another uid's" };
        for (final String shape : shapes)
        {
            switch (shape)
            {
                case "open to others" ->
                {
                    assertTrue(own.mkdir());
                    Files.setPosixFilePermissions(own.toPath(), PosixFilePermissions.fromString("rwxrwxrwx"));
                }
                case "a link" -> Files.createSymbolicLink(own.toPath(), elsewhere.toPath());
                case "another uid's" ->
                {
                    assertTrue(own.mkdir());
                    Files.setPosixFilePermissions(own.toPath(), PosixFilePermissions.fromString("rwx------"));
                    assumeTrue(setUid(own, LiveRegionFiles.ownUid() + 1), "cannot give a file to another uid here");
                }
                default -> Files.write(own.toPath(), new byte[1]);
            }
            final List<Throwable> errors = new ArrayList<>();
            try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).errorHandler(errors::add)
                .defaultLiveRegionDirectory(own)))
            {
                assertEquals(new File(dir, StoreDirectory.LIVE_FILE_NAME), store.statistics().liveRegionFile(), shape);
                store.put(1L, Fixtures.value(1, 1, 16), 0, 16);
            }
            assertEquals(1, errors.size(), shape + ": " + errors);
            assertTrue(errors.get(0).getMessage().contains("kept in the store directory instead"), shape);
            assertEquals(0, Objects.requireNonNull(elsewhere.list()).length, shape + ": wrote through the link");
            deleteTree(own);
        }
    }

    @Test
    void shouldRefuseAnotherUidsFileAtTheLiveRegionsNameInASetDirectory(@TempDir final File liveDir) throws Exception
    {
        final long storeId;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
        {
            storeId = store.storeId();
        }
        final File planted = LiveRegionFiles.file(liveDir, storeId);
        final byte[] bytes = new byte[8192];
        java.util.Arrays.fill(bytes, (byte)9);
        Files.write(planted.toPath(), bytes);
        Files.setPosixFilePermissions(planted.toPath(), PosixFilePermissions.fromString("rw-rw-rw-"));
        assumeTrue(setUid(planted, LiveRegionFiles.ownUid() + 1), "cannot give a file to another uid here");
        final TidemarkException refused = assertThrows(TidemarkException.class,
            () -> StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)).close());
        assertTrue(refused.getMessage().contains("is not a regular file of this process's uid"), refused.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(planted.toPath()), "the state was written into another's file");
    }

    @Test
    void shouldRefuseASetLiveRegionDirectoryThatIsNotOneAndChangeNothing(@TempDir final File base)
    {
        final File missing = new File(base, "missing");
        final TidemarkException refused = assertThrows(TidemarkException.class, () -> StateStore.open(
            Fixtures.context(dir, 100, 16).liveRegionDirectory(missing)).close());
        assertTrue(refused.getMessage().contains("live region directory " + missing + " is not a directory"),
            refused.getMessage());
        assertFalse(missing.exists());
    }

    @Test
    void shouldNeverWriteThroughALinkAtTheLiveRegionsName(@TempDir final File liveDir) throws Exception
    {
        final long storeId;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
        {
            storeId = store.storeId();
        }
        final File victim = new File(liveDir, "victim");
        final byte[] bytes = new byte[530_000];
        java.util.Arrays.fill(bytes, (byte)7);
        Files.write(victim.toPath(), bytes);
        Files.createSymbolicLink(LiveRegionFiles.file(liveDir, storeId).toPath(), victim.toPath());
        assertThrows(TidemarkException.class,
            () -> StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)).close());
        assertArrayEquals(bytes, Files.readAllBytes(victim.toPath()), "the open wrote through a link");
    }

    @Test
    void shouldOpenAfterAFailedAttemptAtTheLiveFileIsMended(@TempDir final File liveDir) throws Exception
    {
        final long storeId;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
        {
            storeId = store.storeId();
            store.put(2L, Fixtures.value(2, 2, 16), 0, 16);
        }
        // A directory in the file's place: the open fails; once it is gone the store must open (no claim kept).
        final File live = LiveRegionFiles.file(liveDir, storeId);
        assertTrue(live.mkdir());
        assertThrows(TidemarkException.class,
            () -> StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)).close());
        assertTrue(live.delete());
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(liveDir)))
        {
            assertTrue(store.contains(2L));
        }
    }

    @Test
    void shouldSweepOnlyFilesNamedAsLiveRegionsAndGiveBackAnOldLiveDat(@TempDir final File liveDir) throws Exception
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).liveRegionDirectory(null)))
        {
            store.put(3L, Fixtures.value(3, 3, 16), 0, 16);
        }
        assertTrue(new File(dir, StoreDirectory.LIVE_FILE_NAME).isFile());
        final File notes = new File(liveDir, LiveRegionFiles.PREFIX + "backup-of-my-notes" + LiveRegionFiles.SUFFIX);
        final File directory = LiveRegionFiles.file(liveDir, 0xabcL);
        Files.write(notes.toPath(), new byte[10]);
        assertTrue(directory.mkdir());
        age(notes);
        age(directory);
        final List<Throwable> errors = new ArrayList<>();
        try (StateStore store = StateStore.open(Fixtures.context(dir, 100, 16).errorHandler(errors::add)
            .liveRegionDirectory(liveDir)))
        {
            assertTrue(store.contains(3L));
            assertFalse(new File(dir, StoreDirectory.LIVE_FILE_NAME).exists(), "the old live.dat was kept");
        }
        assertTrue(notes.exists() && directory.isDirectory(), "the sweep took what is not a live region file");
        assertTrue(errors.isEmpty(), errors.toString());
    }

    private static boolean setUid(final File file, final int uid)
    {
        try
        {
            Files.setAttribute(file.toPath(), "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return true;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    private static String permissions(final File file) throws Exception
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file.toPath(),
            java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    private static void deleteTree(final File file) throws Exception
    {
        if (Files.isDirectory(file.toPath(), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        {
            for (final File child : Objects.requireNonNull(file.listFiles()))
            {
                deleteTree(child);
            }
        }
        Files.delete(file.toPath());
    }

    private static void age(final File file) throws Exception
    {
        Files.setLastModifiedTime(file.toPath(), FileTime.fromMillis(System.currentTimeMillis() - OLD_MS));
    }
}
