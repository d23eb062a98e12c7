/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader of the live region's file mapped read-only, as another process maps it (here in the same JVM, through a
 * mapping of its own): it attaches, reads what the writer wrote, notices a close, a reopen and a sweep, waits for
 * admission, and refuses a missing, corrupt or foreign store clearly. Readers in a real second process, with the
 * writer killed, are in the archive module's ProcessReaderCrashTest.
 */
class ProcessReaderTest
{
    @TempDir
    File dir;

    @TempDir
    File liveDir;

    @Test
    void shouldReadTheWritersStateAndFollowItAcrossCloseAndReopen()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
        ProcessReader reader;
        long generation;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 16).liveRegionDirectory(liveDir)))
        {
            store.put(7L, Fixtures.value(7, 1, 16), 0, 16);
            store.logPosition(640);
            reader = ProcessReader.open(dir, liveDir);
            assertEquals(store.statistics().liveRegionFile(), reader.liveRegionFile());
            generation = reader.generation();
            assertEquals(store.newReader().generation(), generation);
            assertEquals(1, reader.remaps());
            assertTrue(reader.isWriterAlive());
            assertEquals(16, reader.get(7L, out, 0));
            assertArrayEquals(Fixtures.bytes(Fixtures.value(7, 1, 16), 0, 16), Fixtures.bytes(out, 0, 16));
            assertEquals(640, reader.position());
            assertEquals(0, reader.durablePosition());
            store.durablePosition(512);
            assertEquals(512, reader.durablePosition());

            for (long key = 0; key < 200; key++)
            {
                store.put(key, Fixtures.value(key, 2, (int)(key % 17)), 0, (int)(key % 17));
            }
            store.remove(3L);
            assertEquals(199, reader.size());
            assertFalse(reader.contains(3L));
            for (long key = 0; key < 200; key++)
            {
                if (3 != key)
                {
                    assertEquals(key % 17, reader.get(key, out, 0), "key " + key);
                    assertArrayEquals(Fixtures.bytes(Fixtures.value(key, 2, (int)(key % 17)), 0, (int)(key % 17)),
                        Fixtures.bytes(out, 0, (int)(key % 17)));
                }
            }
            final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
            key.putLong(0, 9L, ByteOrder.LITTLE_ENDIAN);
            assertTrue(reader.contains(key, 0));
            final int[] visits = new int[1];
            assertEquals(199, reader.forEach((k, v) -> visits[0]++));
            assertEquals(199, visits[0]);
        }

        // Closed: every read says so, and the reader finds no open to attach to.
        final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> reader.get(7L, out, 0));
        assertTrue(closed.getMessage().contains("store closed"), closed.getMessage());
        assertTrue(closed.getMessage().contains("absent"),
            "the closed store's region was deleted: " + closed.getMessage());
        assertFalse(reader.refresh());
        assertFalse(reader.isWriterAlive());

        // Reopened: the reader follows the new generation and reads the restored state.
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 16).liveRegionDirectory(liveDir)))
        {
            assertEquals(199, reader.size());
            assertTrue(reader.generation() > generation, reader.generation() + " after " + generation);
            assertEquals(2, reader.remaps());
            store.put(3L, Fixtures.value(3, 9, 4), 0, 4);
            assertEquals(4, reader.get(3L, out, 0));
        }
        reader.close();
        assertThrows(IllegalStateException.class, () -> reader.get(3L, out, 0));
    }

    @Test
    void shouldFollowTheStoreDirectorysLiveFileAndRefuseAReaderThatWasNeverAdmitted()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
        try (StateStore store = StateStore.open(Fixtures.contextInStoreDir(dir, 1000, 16).admitReadersOnOpen(false)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
            final ProcessReader reader = ProcessReader.open(dir);
            final IllegalStateException notReady =
                assertThrows(IllegalStateException.class, () -> reader.get(1L, out, 0));
            assertTrue(notReady.getMessage().contains("NOT_READY"), notReady.getMessage());
            assertFalse(reader.refresh());
            store.admitReaders();
            assertTrue(reader.refresh());
            assertEquals(new File(dir, "live.dat"), reader.liveRegionFile());
            assertEquals(8, reader.get(1L, out, 0));
            // The in-process reader of the same open sees the same status.
            assertEquals(8, store.newReader().get(1L, out, 0));
            reader.close();
        }
    }

    @Test
    void shouldRefuseAStoreWhoseWriterKeepsNoStamps()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 16).liveRegionDirectory(liveDir)
            .concurrentReaders(false)))
        {
            final ProcessReader reader = ProcessReader.open(dir, liveDir);
            final IllegalStateException ex = assertThrows(IllegalStateException.class, reader::size);
            assertTrue(ex.getMessage().contains("concurrentReaders(false)"), ex.getMessage());
            assertNotNull(store);
        }
    }

    @Test
    void shouldRefuseAMissingCorruptOrForeignStorePromptly() throws IOException
    {
        final File none = new File(dir, "none");
        final TidemarkException missing = assertThrows(TidemarkException.class, () -> ProcessReader.open(none));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());

        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 16).liveRegionDirectory(liveDir)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
        }
        // A foreign file at the live region's name (same length, no trailer of this store) is never attached.
        final File header = new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
        try (StateStore store = StateStore.open(Fixtures.contextInStoreDir(dir, 1000, 16)))
        {
            final File live = store.statistics().liveRegionFile();
            final long length = live.length();
            final File foreign = LiveRegionFiles.file(liveDir, storeId(dir));
            Files.write(foreign.toPath(), new byte[(int)length]);
            final ProcessReader reader = ProcessReader.open(dir, liveDir);
            assertEquals(live, reader.liveRegionFile(), "the foreign file skipped for the store's own");
            reader.close();
            Files.delete(foreign.toPath());
        }

        final byte[] saved = Files.readAllBytes(header.toPath());
        final byte[] corrupt = saved.clone();
        for (int i = 0; i < corrupt.length; i++)
        {
            corrupt[i] ^= 0x5a;
        }
        Files.write(header.toPath(), corrupt);
        final TidemarkException bad = assertThrows(TidemarkException.class, () -> ProcessReader.open(dir));
        assertTrue(bad.getMessage().contains(header.getPath()), bad.getMessage());
        Files.write(header.toPath(), new byte[0]);
        assertThrows(TidemarkException.class, () -> ProcessReader.open(dir));
        Files.write(header.toPath(), saved);
        final ProcessReader reader = ProcessReader.open(dir);
        assertFalse(reader.refresh(), "no writer has it open");
        final IllegalStateException noWriter = assertThrows(IllegalStateException.class, reader::size);
        assertTrue(noWriter.getMessage().contains("no writer has the store open"), noWriter.getMessage());
        reader.close();
    }

    @Test
    void shouldSeeASweptLiveRegionFileAsClosed() throws IOException
    {
        // A killed writer's file, as a sweep finds it: unlocked, old, its trailer saying OPEN.
        final File live = LiveRegionFiles.file(liveDir, 0x1234L);
        final int length = 2 * 4096;
        final ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        final int trailer = length - ReaderBlockDescriptor.TRAILER_LENGTH;
        bytes.putLong(trailer + ReaderBlockDescriptor.STATUS_TRAILER_OFFSET,
            ReaderBlockDescriptor.status(5, ReaderBlockDescriptor.OPEN));
        bytes.putLong(trailer + ReaderBlockDescriptor.STORE_ID_TRAILER_OFFSET, 0x1234L);
        bytes.putInt(trailer + ReaderBlockDescriptor.TRAILER_MAGIC_TRAILER_OFFSET, ReaderBlockDescriptor.TRAILER_MAGIC);
        Files.write(live.toPath(), bytes.array());
        Files.setPosixFilePermissions(live.toPath(), java.nio.file.attribute.PosixFilePermissions.fromString(
            "rw-------"));
        Files.setLastModifiedTime(live.toPath(), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        try (FileChannel channel = FileChannel.open(live.toPath(), StandardOpenOption.READ))
        {
            final UnsafeBuffer mapped = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, length));
            assertEquals(ReaderBlockDescriptor.OPEN, ReaderBlockDescriptor.state(mapped.getLongVolatile(trailer)));
            assertEquals(1, LiveRegionFiles.sweep(liveDir, Fixtures.IGNORED::add));
            assertFalse(live.exists());
            final long status = mapped.getLongVolatile(trailer);
            assertEquals(ReaderBlockDescriptor.CLOSED, ReaderBlockDescriptor.state(status),
                "a mapping of the swept file");
            assertEquals(5, ReaderBlockDescriptor.generation(status));
        }
    }

    @Test
    void shouldBeToldOfARewriteOfAStoreWithSmallPages() throws IOException
    {
        // Pages of 512 bytes: the live file's length is no multiple of 4096, and the trailer must still be found.
        final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
        try (StateStore store = StateStore.open(Fixtures.contextInStoreDir(dir, 20_000, 16).pageSize(512)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
            final ProcessReader reader = ProcessReader.open(dir);
            assertEquals(8, reader.get(1L, out, 0));
            final File live = store.statistics().liveRegionFile();
            assertNotEquals(0, live.length() % 4096, "the case under test");
            // What an open after a kill does first: mark the file before rewriting it.
            try (FileChannel channel = FileChannel.open(live.toPath(), StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                assertEquals(reader.generation(),
                    LiveRegionFiles.markTrailer(channel, storeId(dir), ReaderBlockDescriptor.NOT_READY));
            }
            assertFalse(reader.refresh(), "a reader told the region is being rewritten");
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> reader.get(1L, out, 0));
            assertTrue(ex.getMessage().contains("NOT_READY"), ex.getMessage());
            reader.close();
        }
        try (StateStore store = StateStore.open(Fixtures.contextInStoreDir(dir, 20_000, 16).pageSize(512)))
        {
            final ProcessReader reader = ProcessReader.open(dir);
            assertEquals(8, reader.get(1L, out, 0), "the reopened store, read");
            reader.close();
            assertNotNull(store);
        }
    }

    @Test
    void shouldGiveUpOnAChangeADeadWriterLeftHalfDone() throws Exception
    {
        final Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor());
        try (StateStore store = StateStore.open(Fixtures.contextInStoreDir(dir, 1000, 16)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
            // A copy of the live file as a writer killed in the middle of a removal's shift leaves it: moves odd,
            // the status still OPEN, the pid of a process that has ended.
            final File live = store.statistics().liveRegionFile();
            final File copy = new File(dir, "killed-live.dat");
            Files.copy(live.toPath(), copy.toPath());
            final StoreGeometry geometry = store.geometry;
            final int blockLength = ReaderBlockDescriptor.length(geometry.pageCount, geometry.pageSize);
            try (FileChannel channel = FileChannel.open(copy.toPath(), StandardOpenOption.READ,
                StandardOpenOption.WRITE))
            {
                final UnsafeBuffer block = new UnsafeBuffer(
                    channel.map(FileChannel.MapMode.READ_WRITE, geometry.regionLength, blockLength));
                block.putLong(ReaderBlockDescriptor.MOVES_OFFSET, 1);
                block.putLong(ReaderBlockDescriptor.trailerOffset(blockLength) +
                    ReaderBlockDescriptor.WRITER_PID_TRAILER_OFFSET, gone.pid());
                final UnsafeBuffer region = new UnsafeBuffer(
                    channel.map(FileChannel.MapMode.READ_ONLY, 0, geometry.regionLength));
                final StoreReader reader = new StoreReader(region, block, geometry, store.newReader().generation(),
                    dir.getPath(), false, false);
                final IllegalStateException ex =
                    assertThrows(IllegalStateException.class, () -> reader.get(1L, out16(), 0));
                assertTrue(ex.getMessage().contains("died in the middle of a change"), ex.getMessage());
                assertThrows(IllegalStateException.class, () -> reader.forEach((k, v) -> { }));
            }
        }
    }

    private static UnsafeBuffer out16()
    {
        return new UnsafeBuffer(new byte[16]);
    }

    private static long storeId(final File dir)
    {
        try (HeaderFile header = HeaderFile.readOnly(new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME)))
        {
            return header.geometry().storeId;
        }
    }
}
