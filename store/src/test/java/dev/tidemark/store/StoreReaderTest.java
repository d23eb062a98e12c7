/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reader API one call at a time: what it returns, what it refuses, the reader block's layout in the live file,
 * the close while a reader reads, and no allocation in a reader's reads. The concurrency itself is in
 * {@link ReaderTortureTest}.
 */
class StoreReaderTest
{
    @TempDir
    File dir;

    @Test
    void shouldPinTheReaderBlockLayoutAndPlaceItAfterTheTable() throws Exception
    {
        assertEquals(0x42524d54, ReaderBlockDescriptor.MAGIC);
        assertEquals(0, ReaderBlockDescriptor.MAGIC_OFFSET);
        assertEquals(4, ReaderBlockDescriptor.STRIPE_COUNT_OFFSET);
        assertEquals(8, ReaderBlockDescriptor.PAGE_SHIFT_OFFSET);
        assertEquals(64, ReaderBlockDescriptor.MOVES_OFFSET);
        assertEquals(128, ReaderBlockDescriptor.SIZE_OFFSET);
        assertEquals(136, ReaderBlockDescriptor.POSITION_OFFSET);
        assertEquals(192, ReaderBlockDescriptor.DURABLE_POSITION_OFFSET);
        assertEquals(256, ReaderBlockDescriptor.STAMPS_OFFSET);
        assertEquals(64, ReaderBlockDescriptor.TRAILER_LENGTH);
        assertEquals(0x54524d54, ReaderBlockDescriptor.TRAILER_MAGIC);
        assertEquals(24, ReaderBlockDescriptor.TRAILER_MAGIC_TRAILER_OFFSET);
        assertEquals(16, ReaderBlockDescriptor.WRITER_PID_TRAILER_OFFSET);
        assertEquals(8, ReaderBlockDescriptor.STORE_ID_TRAILER_OFFSET);
        assertEquals(0, ReaderBlockDescriptor.STATUS_TRAILER_OFFSET);
        assertEquals(4096 - 64, ReaderBlockDescriptor.trailerOffset(4096));
        assertEquals((7L << 2) | 1, ReaderBlockDescriptor.status(7, ReaderBlockDescriptor.OPEN));
        assertEquals(7L, ReaderBlockDescriptor.generation((7L << 2) | 3));
        assertEquals(ReaderBlockDescriptor.BROKEN, ReaderBlockDescriptor.state((7L << 2) | 3));
        assertEquals(2, ReaderBlockDescriptor.stripeCount(1));
        assertEquals(1024, ReaderBlockDescriptor.stripeCount(1000));
        assertEquals(8192, ReaderBlockDescriptor.stripeCount(43_000));
        assertEquals(4096, ReaderBlockDescriptor.length(2, 4096));
        assertEquals(69_632, ReaderBlockDescriptor.length(43_000, 4096));
        assertEquals(256 + 8 * 3, ReaderBlockDescriptor.stampOffset(3 * 4096 + 17, 12, 1023));
        assertEquals(256 + 8 * 1, ReaderBlockDescriptor.stampOffset(1025 * 4096, 12, 1023));

        final long regionLength = TableDescriptor.regionLength(
            TableDescriptor.bucketCount(1000), TableDescriptor.entryLength(8, 16), 4096);
        final int pages = (int)(regionLength / 4096);
        try (StateStore store = StateStore.open(Fixtures.contextInStoreDir(dir, 1000, 16)))
        {
            store.put(1L, Fixtures.value(1, 1, 16), 0, 16);
            store.put(2L, Fixtures.value(2, 1, 16), 0, 16);
            final File live = store.statistics().liveRegionFile();
            assertEquals(regionLength + ReaderBlockDescriptor.length(pages, 4096), live.length());
            try (FileChannel channel = FileChannel.open(live.toPath(), StandardOpenOption.READ))
            {
                final ByteBuffer block = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
                channel.read(block, regionLength);
                assertEquals(ReaderBlockDescriptor.MAGIC, block.getInt(0));
                assertEquals(ReaderBlockDescriptor.stripeCount(pages), block.getInt(4));
                assertEquals(12, block.getInt(8));
                assertEquals(0, block.getLong(64), "no removal yet");
                assertEquals(2, block.getLong(128), "size");
                final ByteBuffer trailer = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
                channel.read(trailer, live.length() - 64);
                final long status = trailer.getLong(0);
                assertEquals(ReaderBlockDescriptor.OPEN, ReaderBlockDescriptor.state(status));
                assertEquals(store.newReader().generation(), ReaderBlockDescriptor.generation(status));
                assertEquals(ProcessHandle.current().pid(), trailer.getLong(16));
                assertEquals(ReaderBlockDescriptor.TRAILER_MAGIC, trailer.getInt(24));
            }
            // Opening the live file in this process drops its lock (see checkpoints.md); the store directory's own
            // lock still guards this store, and the test ends here.
        }
    }

    @Test
    void shouldReadWhatTheWriterWroteAndRefuseBadArguments()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 16)))
        {
            final StoreReader reader = store.newReader();
            store.put(7L, Fixtures.value(7, 1, 16), 0, 16);
            store.put(8L, Fixtures.value(8, 1, 5), 0, 5);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            assertEquals(16, reader.get(7L, out, 0));
            assertArrayEquals(Fixtures.bytes(Fixtures.value(7, 1, 16), 0, 16), Fixtures.bytes(out, 0, 16));
            assertEquals(5, reader.get(8L, out, 0));
            assertEquals(StateStore.MISSING, reader.get(9L, out, 0));
            assertTrue(reader.contains(7L));
            assertFalse(reader.contains(9L));
            assertEquals(2, reader.size());
            store.remove(7L);
            assertFalse(reader.contains(7L));
            assertEquals(1, reader.size());
            final long[] visited = new long[2];
            assertEquals(1, reader.forEach((key, value) ->
            {
                visited[0] = key.getLong(0);
                visited[1] = value.capacity();
            }));
            assertArrayEquals(new long[] { 8L, 5L }, visited);

            final UnsafeBuffer small = new UnsafeBuffer(new byte[4]);
            final IllegalArgumentException tooSmall =
                assertThrows(IllegalArgumentException.class, () -> reader.get(8L, small, 0));
            assertTrue(tooSmall.getMessage().contains("does not fit"), tooSmall.getMessage());
            assertThrows(NullPointerException.class, () -> reader.get(8L, null, 0));
            assertThrows(NullPointerException.class, () -> reader.forEach(null));
            assertThrows(IllegalArgumentException.class, () -> reader.get(new UnsafeBuffer(new byte[4]), 0, out, 0));
        }
    }

    @Test
    void shouldReadByteKeys()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 16).keyLength(21)))
        {
            final StoreReader reader = store.newReader();
            final UnsafeBuffer key = new UnsafeBuffer(new byte[21]);
            key.putStringWithoutLengthAscii(0, "account-000000000042");
            store.put(key, 0, Fixtures.value(42, 1, 16), 0, 16);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            assertEquals(16, reader.get(key, 0, out, 0));
            assertTrue(reader.contains(key, 0));
            key.putByte(20, (byte)'x');
            assertFalse(reader.contains(key, 0));
            assertThrows(IllegalArgumentException.class, () -> reader.get(1L, out, 0), "long key on 21-byte keys");
        }
    }

    @Test
    void shouldReadValuesOfEveryLengthUpToTheMaximumAcrossPageBoundaries()
    {
        // 1 MiB values: every entry straddles many pages, so only the stamp of the page it starts on guards it.
        final int max = TableDescriptor.MAX_VALUE_LENGTH;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 8, max)))
        {
            final StoreReader reader = store.newReader();
            final int[] lengths = { 0, 1, 7, 4095, 4096, 4097, max - 1, max };
            for (int i = 0; i < lengths.length; i++)
            {
                store.put(i, Fixtures.value(i, 3, lengths[i]), 0, lengths[i]);
            }
            final UnsafeBuffer out = new UnsafeBuffer(new byte[max]);
            for (int i = 0; i < lengths.length; i++)
            {
                assertEquals(lengths[i], reader.get(i, out, 0), "length " + lengths[i]);
                assertArrayEquals(Fixtures.bytes(Fixtures.value(i, 3, lengths[i]), 0, lengths[i]),
                    Fixtures.bytes(out, 0, lengths[i]), "value of length " + lengths[i]);
            }
            final long[] total = new long[1];
            assertEquals(lengths.length, reader.forEach((key, value) -> total[0] += value.capacity()));
            assertEquals(java.util.Arrays.stream(lengths).asLongStream().sum(), total[0]);
        }
    }

    @Test
    void shouldRefuseAReaderWhenReadersAreOffAndEveryCallOnceClosed()
    {
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 16).concurrentReaders(false)))
        {
            final IllegalStateException off = assertThrows(IllegalStateException.class, store::newReader);
            assertTrue(off.getMessage().contains("concurrent readers are off"), off.getMessage());
        }
        final StoreReader reader;
        try (StateStore store = StateStore.open(Fixtures.context(dir, 1000, 16)))
        {
            reader = store.newReader();
            assertTrue(reader.size() >= 0);
        }
        assertThrows(IllegalStateException.class, () -> reader.contains(1L));
        assertThrows(IllegalStateException.class, reader::size);
    }

    @Test
    void shouldEndAReaderRacingTheCloseWithAnErrorNotACrash() throws Exception
    {
        for (int round = 0; round < 5; round++)
        {
            final AtomicReference<Throwable> ended = new AtomicReference<>();
            final AtomicLong reads = new AtomicLong();
            final Thread thread;
            try (StateStore store = StateStore.open(Fixtures.context(dir, 5000, 16)))
            {
                for (long key = 0; key < 2000; key++)
                {
                    store.put(key, Fixtures.value(key, 1, 16), 0, 16);
                }
                final StoreReader reader = store.newReader();
                thread = new Thread(() ->
                {
                    final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
                    try
                    {
                        for (long i = 0; ; i++)
                        {
                            reader.get(i % 2000, out, 0);
                            reads.incrementAndGet();
                        }
                    }
                    catch (final Throwable ex)
                    {
                        ended.set(ex);
                    }
                });
                thread.start();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (reads.get() < 1000 && System.nanoTime() < deadline)
                {
                    Thread.onSpinWait();
                }
                for (long key = 0; key < 500; key++)
                {
                    store.remove(key);
                }
            }
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive());
            assertTrue(ended.get() instanceof IllegalStateException, String.valueOf(ended.get()));
            assertTrue(ended.get().getMessage().startsWith("store closed: dir="), ended.get().getMessage());
        }
    }

    @Test
    void shouldVisitAnEntryPresentThroughoutWhenTwoRemovalsEmptyTheRunItWasMovedAcross() throws Exception
    {
        // The case an independent review found: 16 buckets; b and e have home 3, c home 4; b at 3, c at 4, e at 5.
        // The iteration sits in its consumer at c; the writer removes b (e shifts back to 3, already passed), then
        // c (bucket 4 empties); the iteration resumes at 5 and must still visit e.
        final int capacity = 8;
        final int mask = TableDescriptor.bucketCount(capacity) - 1;
        final long b = keyWithHome(3, mask, 1);
        final long c = keyWithHome(4, mask, 1);
        final long e = keyWithHome(3, mask, b + 1);
        final SynchronousQueue<String> toWriter = new SynchronousQueue<>();
        final SynchronousQueue<String> toReader = new SynchronousQueue<>();
        final List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (StateStore store = StateStore.open(Fixtures.context(dir, capacity, 16)))
        {
            store.put(b, Fixtures.value(b, 1, 16), 0, 16);
            store.put(c, Fixtures.value(c, 1, 16), 0, 16);
            store.put(e, Fixtures.value(e, 1, 16), 0, 16);
            final StoreReader reader = store.newReader();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    reader.forEach((k, v) ->
                    {
                        final long key = k.getLong(0);
                        seen.add(key);
                        if (key == c && seen.size() == 2)
                        {
                            handOff(toWriter, toReader);
                        }
                    });
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            thread.start();
            assertEquals("go", toWriter.poll(60, TimeUnit.SECONDS));
            assertTrue(store.remove(b));
            assertTrue(store.remove(c));
            toReader.put("done");
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertNull(failure.get());
            assertTrue(store.contains(e));
            assertTrue(seen.contains(e), "forEach missed an entry present for the whole iteration: " + seen);
        }
    }

    @Test
    void shouldRefuseAReadResumedAfterTheStoreClosedAndWasCollected() throws Exception
    {
        final SynchronousQueue<String> toWriter = new SynchronousQueue<>();
        final SynchronousQueue<String> toReader = new SynchronousQueue<>();
        final AtomicReference<Throwable> ended = new AtomicReference<>();
        final java.util.concurrent.atomic.AtomicInteger visits = new java.util.concurrent.atomic.AtomicInteger();
        final Thread thread;
        {
            final StateStore store = StateStore.open(Fixtures.context(dir, 5000, 16));
            for (long key = 0; key < 2000; key++)
            {
                store.put(key, Fixtures.value(key, 1, 16), 0, 16);
            }
            final StoreReader reader = store.newReader();
            thread = new Thread(() ->
            {
                try
                {
                    reader.forEach((k, v) ->
                    {
                        if (1 == visits.incrementAndGet())
                        {
                            handOff(toWriter, toReader);
                        }
                    });
                }
                catch (final Throwable ex)
                {
                    ended.set(ex);
                }
            });
            thread.start();
            assertEquals("go", toWriter.poll(60, TimeUnit.SECONDS));
            store.close();
        }
        // The store is unreachable now; collect it, so that only the reader can keep its mappings alive.
        for (int i = 0; i < 5; i++)
        {
            System.gc();
            Thread.sleep(20);
        }
        toReader.put("done");
        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(thread.isAlive());
        assertTrue(ended.get() instanceof IllegalStateException, String.valueOf(ended.get()));
        assertEquals(1, visits.get(), "visited past the close");
    }

    private static void handOff(final SynchronousQueue<String> toWriter, final SynchronousQueue<String> toReader)
    {
        try
        {
            toWriter.put("go");
            assertEquals("done", toReader.poll(60, TimeUnit.SECONDS));
        }
        catch (final InterruptedException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static long keyWithHome(final int home, final int mask, final long from)
    {
        for (long key = from; ; key++)
        {
            if ((KeyHash.tag(key) & mask) == home)
            {
                return key;
            }
        }
    }

    @Test
    void shouldNotAllocateInAReadersReads() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation counting unsupported");
        threads.setThreadAllocatedMemoryEnabled(true);
        try (StateStore store = StateStore.open(Fixtures.context(dir, 20_000, 64)))
        {
            for (long key = 0; key < 10_000; key++)
            {
                store.put(key, Fixtures.value(key, 1, 64), 0, 64);
            }
            final StoreReader reader = store.newReader();
            final AtomicBoolean stop = new AtomicBoolean();
            final long[] windows = new long[12];
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
                    final long[] sink = new long[1];
                    final EntryConsumer consumer = (key, value) -> sink[0] += value.getByte(0);
                    final long id = Thread.currentThread().getId();
                    for (int window = -20; window < windows.length; window++)
                    {
                        final long start = threads.getThreadAllocatedBytes(id);
                        for (int i = 0; i < 50_000; i++)
                        {
                            sink[0] += reader.get(i % 12_000, out, 0);
                            sink[0] += reader.contains(i) ? 1 : 0;
                            sink[0] += reader.size();
                        }
                        reader.forEach(consumer);
                        if (window >= 0)
                        {
                            windows[window] = threads.getThreadAllocatedBytes(id) - start;
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
                finally
                {
                    stop.set(true);
                }
            });
            thread.start();
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            for (long i = 0; !stop.get(); i++)
            {
                final long key = i % 12_000;
                if (0 == i % 7)
                {
                    store.remove(key);
                }
                else
                {
                    value.putLong(0, i);
                    store.put(key, value, 0, 64);
                }
            }
            thread.join();
            assertNull(failure.get());
            int zeroInARow = 0;
            for (final long bytes : windows)
            {
                zeroInARow = 0 == bytes ? zeroInARow + 1 : 0;
                if (zeroInARow >= 2)
                {
                    break;
                }
            }
            assertTrue(zeroInARow >= 2, "a reader's reads allocate: " + java.util.Arrays.toString(windows));
        }
    }
}
