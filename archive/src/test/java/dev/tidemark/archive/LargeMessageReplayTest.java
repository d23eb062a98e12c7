/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.TidemarkException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Change messages longer than one MTU (published fragmented, replayed reassembled), and refusals met during a replay,
 * which must fail the open rather than vanish into Aeron's error handler.
 */
class LargeMessageReplayTest
{
    private static final int MAX_VALUE = 256;
    private static final int FRAME_HEADER = 32;

    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[MAX_VALUE]);

    @Test
    void shouldReplayBatchLongerThanOneMtuAndEveryWriteAfterIt()
    {
        final long batchPosition;
        try (DurableStore store = open())
        {
            final StoreBatch batch = store.newBatch();
            for (int i = 0; i < 40; i++)
            {
                fill(i, 200);
                batch.put(1000 + i, value, 0, 200);
            }
            assertTrue(batch.length() > DurableStoreConfiguration.MTU_LENGTH_DEFAULT, "over one MTU");
            batchPosition = store.apply(batch, Durability.RECORDED);
            for (int i = 0; i < 10; i++)
            {
                fill(2000 + i, 100);
                store.put(2000 + i, value, 0, 100, Durability.RECORDED);
            }
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = open())
        {
            assertEquals(11, store.recovery().replayedMessages(), errors.toString());
            assertEquals(50, store.size());
            for (int i = 0; i < 40; i++)
            {
                assertValue(store, 1000 + i, i, 200);
            }
            for (int i = 0; i < 10; i++)
            {
                assertValue(store, 2000 + i, 2000 + i, 100);
            }
            assertTrue(store.position() > batchPosition);
            assertEquals(-1, store.recovery().truncatedAt());
            fill(7, 8);
            store.put(7, value, 0, 8, Durability.RECORDED);
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = open())
        {
            assertEquals(51, store.size(), "sequences after the replay continue, none reused");
            assertValue(store, 1039, 39, 200);
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void shouldFailOpenWhenAReplayedMessageIsRefused() throws IOException
    {
        final List<Long> positions = new ArrayList<>();
        try (DurableStore store = open())
        {
            store.checkpointAndAwait();
            long position = store.position();
            positions.add(position);
            for (int i = 0; i < 20; i++)
            {
                fill(i, 16);
                position = store.put(i, value, 0, 16, Durability.RECORDED);
                positions.add(position);
            }
            store.closeWithoutCheckpoint();
        }
        // A whole, checksummed message whose sequence skips one: only the sequence check can catch it.
        final long victim = positions.get(10);
        rewriteSequence(victim, 99);

        final TidemarkException ex = assertThrows(TidemarkException.class, this::open);
        assertTrue(ex.getMessage().contains("refused at position=" + victim), ex.getMessage());
        assertTrue(ex.getMessage().contains("sequence broken"), ex.getMessage());
        // The open failed after the mapped store, its checkpointer and forcer had started: nothing of it runs on.
        final List<String> leaked = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.isAlive() && thread.getName().startsWith("tidemark-"))
            {
                leaked.add(thread.getName());
            }
        }
        assertEquals(List.of(), leaked, "threads left by the failed open");
    }

    private DurableStore open()
    {
        return DurableStore.open(new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(MAX_VALUE).capacity(1000)).errorHandler(errors::add));
    }

    private void fill(final long seed, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            value.putByte(i, (byte)(seed * 31 + i));
        }
    }

    private void assertValue(final DurableStore store, final long key, final long seed, final int length)
    {
        assertEquals(length, store.get(key, out, 0), "key " + key);
        for (int i = 0; i < length; i++)
        {
            assertEquals((byte)(seed * 31 + i), out.getByte(i), "key " + key + " byte " + i);
        }
    }

    private void rewriteSequence(final long position, final long sequence) throws IOException
    {
        final File[] segments = new File(dir, "archive").listFiles((d, name) -> name.endsWith(".rec"));
        assertNotNull(segments);
        assertEquals(1, segments.length);
        final String name = segments[0].getName();
        final long base = Long.parseLong(name.substring(name.indexOf('-') + 1, name.indexOf('.')));
        try (RandomAccessFile file = new RandomAccessFile(segments[0], "rw"))
        {
            final long frame = position - base;
            final byte[] header = new byte[FRAME_HEADER];
            file.seek(frame);
            file.readFully(header);
            final int frameLength = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            final byte[] message = new byte[frameLength - FRAME_HEADER];
            file.readFully(message);
            final ByteBuffer view = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
            view.putLong(ChangeMessageDescriptor.SEQUENCE_OFFSET, sequence);
            final CRC32C crc = new CRC32C();
            crc.update(message, ChangeMessageDescriptor.VERSION_OFFSET,
                message.length - ChangeMessageDescriptor.VERSION_OFFSET);
            view.putInt(ChangeMessageDescriptor.CRC_OFFSET, (int)crc.getValue());
            file.seek(frame + FRAME_HEADER);
            file.write(message);
        }
    }
}
