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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Recovery by replay, in process with a real embedded media driver and archive: random operations against a model,
 * then a clean reopen (nothing replayed) or a reopen without the final checkpoint (the tail replayed); a damaged
 * newest snapshot (older one plus a longer replay); a torn last message (cut); a corrupt message in the middle
 * (refused).
 */
class RecoveryTest
{
    private static final int MAX_VALUE = 48;

    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();
    private final Map<Long, byte[]> model = new HashMap<>();
    private final List<Long> positions = new ArrayList<>();
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));

    @Test
    void shouldRestoreSameStateAfterCleanCloseAndReplayNothing()
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        try (DurableStore store = open())
        {
            randomOperations(store, random, 3000, true);
        }
        try (DurableStore store = open())
        {
            assertEquals(0, store.recovery().replayedMessages(), "seed=" + seed);
            assertEquals(0, store.recovery().replayDurationNs(), "nothing to replay, no replay timed");
            assertModel(store, "clean reopen seed=" + seed);
        }
    }

    @Test
    void shouldReplayTailAfterCloseWithoutCheckpoint()
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        final long replayedFrom;
        try (DurableStore store = open())
        {
            randomOperations(store, random, 2000, true);
            store.checkpointAndAwait();
            replayedFrom = store.sequence();
            randomOperations(store, random, 1500, false);
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = open())
        {
            assertModel(store, "crash reopen seed=" + seed);
            assertEquals(store.sequence() - replayedFrom, store.recovery().replayedMessages());
            assertTrue(store.recovery().replayedMessages() >= 1500);
            final RecoveryReport recovery = store.recovery();
            assertTrue(recovery.replayDurationNs() > 0 && recovery.replayDurationNs() < recovery.recoveryDurationNs(),
                "replay " + recovery.replayDurationNs() + " ns within an open of " + recovery.recoveryDurationNs() +
                " ns");
            randomOperations(store, random, 100, false);
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = open())
        {
            assertModel(store, "second crash reopen, after the recording was extended, seed=" + seed);
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void shouldFallBackToOlderSnapshotAndReplayLonger() throws IOException
    {
        final Random random = new Random(11);
        final long olderSequence;
        try (DurableStore store = open())
        {
            randomOperations(store, random, 1000, false);
            store.checkpointAndAwait();
            olderSequence = store.sequence();
            randomOperations(store, random, 1000, false);
            store.checkpointAndAwait();
            randomOperations(store, random, 500, false);
            store.closeWithoutCheckpoint();
        }
        final String newest = newestSlotFile();
        try (RandomAccessFile file = new RandomAccessFile(new File(dir, newest), "rw"))
        {
            file.seek(4096 + 100);
            file.write(new byte[]{ 1, 2, 3, 4, 5, 6, 7, 8 });
        }
        try (DurableStore store = open())
        {
            assertTrue(store.storeView().statistics().restoredFromFallback());
            assertEquals(olderSequence, store.storeView().statistics().restoredSequence());
            assertEquals(store.sequence() - olderSequence, store.recovery().replayedMessages());
            assertModel(store, "fallback to the older snapshot");
        }
        assertTrue(errors.toString().contains("newest snapshot slot"), errors.toString());
    }

    @Test
    void shouldCutTornLastMessageAndContinueFromThere() throws IOException
    {
        final Random random = new Random(12);
        final Map<Long, byte[]> beforeLast;
        try (DurableStore store = open())
        {
            randomOperations(store, random, 500, false);
            store.checkpointAndAwait();
            randomOperations(store, random, 200, false);
            beforeLast = new HashMap<>(model);
            fill(value, 424242L, 1, 40);
            positions.add(store.put(424242L, value, 0, 40));
            model.put(424242L, bytes(value, 40));
            store.closeWithoutCheckpoint();
        }
        final long lastEnd = positions.get(positions.size() - 1);
        final long lastStart = positions.get(positions.size() - 2);
        writeGarbage(lastStart + 32 + 8, (int)(lastEnd - lastStart - 40));

        try (DurableStore store = open())
        {
            assertEquals(lastStart, store.recovery().truncatedAt());
            assertEquals(lastStart, store.position());
            model.clear();
            model.putAll(beforeLast);
            assertModel(store, "torn tail cut");
            assertTrue(errors.toString().contains("truncated at position=" + lastStart), errors.toString());
            fill(value, 7L, 7, 8);
            assertTrue(store.put(7L, value, 0, 8) > lastStart);
            model.put(7L, bytes(value, 8));
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = open())
        {
            assertModel(store, "after writing past the cut");
        }
    }

    @Test
    void shouldRefuseCorruptMessageInTheMiddleNamingItsPosition() throws IOException
    {
        final Random random = new Random(13);
        try (DurableStore store = open())
        {
            randomOperations(store, random, 300, false);
            store.checkpointAndAwait();
            randomOperations(store, random, 300, false);
            store.closeWithoutCheckpoint();
        }
        final int victim = positions.size() - 150;
        final long start = positions.get(victim - 1);
        writeGarbage(start + 32 + 4, 4);

        final TidemarkException ex = assertThrows(TidemarkException.class, this::open);
        assertTrue(ex.getMessage().contains("corrupt change message at position=" + start), ex.getMessage());
        assertTrue(ex.getMessage().contains("followed by a valid message"), ex.getMessage());
    }

    private DurableStore open()
    {
        return DurableStore.open(new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(MAX_VALUE).capacity(5000)).errorHandler(errors::add));
    }

    private void randomOperations(
        final DurableStore store, final Random random, final int count, final boolean checkpoints)
    {
        final StoreBatch batch = store.newBatch();
        for (int i = 0; i < count; i++)
        {
            final long key = random.nextInt(4000);
            final int choice = random.nextInt(10);
            final long position;
            if (choice < 6)
            {
                final int length = random.nextInt(MAX_VALUE + 1);
                fill(value, key, random.nextInt(), length);
                position = store.put(key, value, 0, length, Durability.NONE);
                model.put(key, bytes(value, length));
            }
            else if (choice < 8)
            {
                position = store.remove(key, Durability.NONE);
                model.remove(key);
            }
            else
            {
                batch.clear();
                final int length = random.nextInt(MAX_VALUE + 1);
                fill(value, key, random.nextInt(), length);
                batch.put(key, value, 0, length).remove(key + 1);
                position = store.apply(batch, Durability.RECORDED);
                model.put(key, bytes(value, length));
                model.remove(key + 1);
            }
            positions.add(position);
            if (checkpoints && 0 == random.nextInt(300))
            {
                store.checkpoint();
            }
        }
    }

    private void assertModel(final DurableStore store, final String where)
    {
        assertEquals(model.size(), store.size(), where);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[MAX_VALUE]);
        for (final Map.Entry<Long, byte[]> entry : model.entrySet())
        {
            final int length = store.get(entry.getKey(), out, 0);
            assertEquals(entry.getValue().length, length, where + " key " + entry.getKey());
            assertArrayEquals(entry.getValue(), bytes(out, length), where + " key " + entry.getKey());
        }
    }

    private String newestSlotFile()
    {
        try (dev.tidemark.store.StateStore probe = dev.tidemark.store.StateStore.open(
            new dev.tidemark.store.StoreContext().dir(dir).kind(dev.tidemark.store.StoreKind.DURABLE)
                .errorHandler(errors::add)))
        {
            final String name = 0 == probe.statistics().restoredSlot() ? "slot-a.dat" : "slot-b.dat";
            probe.closeWithoutCheckpoint();
            return name;
        }
    }

    private void writeGarbage(final long position, final int length) throws IOException
    {
        final File[] segments = new File(dir, "archive").listFiles((d, name) -> name.endsWith(".rec"));
        assertNotNull(segments);
        assertEquals(1, segments.length, "one segment expected");
        final String name = segments[0].getName();
        final long base = Long.parseLong(name.substring(name.indexOf('-') + 1, name.indexOf('.')));
        final byte[] garbage = new byte[length];
        new Random(position).nextBytes(garbage);
        try (RandomAccessFile file = new RandomAccessFile(segments[0], "rw"))
        {
            file.seek(position - base);
            file.write(garbage);
        }
    }

    static void fill(final UnsafeBuffer buffer, final long key, final long version, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)(key * 13 + version * 7 + i));
        }
    }

    static byte[] bytes(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
