/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader thread on the durable store, through {@code storeView().newReader()}: every write the writer has had
 * acknowledged (and told the reader of) is visible to it with its value, while the writer keeps writing with
 * checkpoints running; after a restart that replays the log, a new reader sees the replayed state; after close, the
 * reader refuses.
 */
class DurableStoreReaderTest
{
    private static final int VALUE = 32;
    private static final int WRITES = 30_000;

    @TempDir
    File dir;

    @Test
    void shouldSeeEveryAcknowledgedWriteFromAnotherThreadAndTheReplayedStateAfterARestart() throws Exception
    {
        final AtomicLong acknowledged = new AtomicLong(-1);
        final AtomicReference<String> failure = new AtomicReference<>();
        final StoreReader reader;
        try (DurableStore store = DurableStore.open(context()))
        {
            reader = store.storeView().newReader();
            final Thread thread = new Thread(() -> check(reader, acknowledged, failure), "durable-reader");
            thread.start();
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE));
            for (long i = 0; i < WRITES && null == failure.get(); i++)
            {
                final long key = i % 5_000;
                value.putLong(0, key);
                value.putLong(8, i);
                store.put(key, value, 0, VALUE, Durability.RECORDED);
                acknowledged.set(i); // after the acknowledgement: the reader may now expect it
                if (0 == (i & 1023))
                {
                    store.poll();
                }
            }
            acknowledged.set(Long.MAX_VALUE); // stop
            thread.join(TimeUnit.SECONDS.toMillis(120));
            assertFalse(thread.isAlive(), "the reader did not stop");
            assertNull(failure.get(), failure.get());
            store.closeWithoutCheckpoint(); // the restart must replay the log's tail
        }
        assertThrows(IllegalStateException.class, () -> reader.contains(1L), "a reader of a closed store");

        try (DurableStore store = DurableStore.open(context()))
        {
            final StoreReader again = store.storeView().newReader();
            final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE]);
            assertEquals(5_000, again.size());
            for (long key = 0; key < 5_000; key++)
            {
                assertEquals(VALUE, again.get(key, out, 0));
                final long last = WRITES - 1 - ((WRITES - 1 - key) % 5_000);
                assertEquals(last, out.getLong(8), "key " + key + " after the replay");
            }
        }
    }

    @Test
    void shouldNeverShowAValueFromAChangePastThePositionReadAfterIt() throws Exception
    {
        final int writes = 200_000;
        final long[] positions = new long[writes];
        final AtomicLong written = new AtomicLong(-1);
        final AtomicReference<String> failure = new AtomicReference<>();
        try (DurableStore store = DurableStore.open(context()))
        {
            final StoreReader reader = store.storeView().newReader();
            final long[] seen = new long[1 << 16];
            final long[] positionAfter = new long[seen.length];
            final int[] count = new int[1];
            final Thread thread = new Thread(() ->
            {
                final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE]);
                final java.util.Random random = new java.util.Random(7);
                while (written.get() < writes - 1 && count[0] < seen.length)
                {
                    if (reader.get(random.nextInt(100), out, 0) == VALUE)
                    {
                        seen[count[0]] = out.getLong(8);
                        positionAfter[count[0]] = reader.position();
                        count[0]++;
                    }
                }
            }, "position-reader");
            thread.start();
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE));
            for (int i = 0; i < writes; i++)
            {
                value.putLong(0, i % 100);
                value.putLong(8, i);
                positions[i] = store.put(i % 100, value, 0, VALUE, Durability.NONE);
                written.set(i);
            }
            thread.join(TimeUnit.SECONDS.toMillis(120));
            assertFalse(thread.isAlive());
            assertTrue(count[0] > 100, "reads made: " + count[0]);
            for (int r = 0; r < count[0]; r++)
            {
                final int write = (int)seen[r];
                if (positionAfter[r] < positions[write])
                {
                    failure.compareAndSet(null, "read " + r + " saw write " + write + " (position " +
                        positions[write] + ") then position() " + positionAfter[r]);
                }
            }
            assertNull(failure.get(), failure.get());
            store.poll();
            assertTrue(reader.durablePosition() > 0, "the durable position published to readers");
            assertTrue(reader.durablePosition() <= reader.position());
        }
    }

    private static void check(
        final StoreReader reader, final AtomicLong acknowledged, final AtomicReference<String> failure)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE]);
        long checks = 0;
        while (true)
        {
            final long latest = acknowledged.get();
            if (Long.MAX_VALUE == latest)
            {
                return;
            }
            if (latest < 0)
            {
                Thread.onSpinWait();
                continue;
            }
            final long key = latest % 5_000;
            // The acknowledged write, or a later one of the same key: never an older value, never missing.
            if (reader.get(key, out, 0) != VALUE || out.getLong(0) != key || out.getLong(8) < latest)
            {
                failure.compareAndSet(null, "after write " + latest + " acknowledged, key " + key + " read as " +
                    out.getLong(0) + "/" + out.getLong(8) + " (" + checks + " checks before)");
                return;
            }
            checks++;
        }
    }

    private DurableStoreContext context()
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(VALUE)
            .capacity(10_000)).checkpointLogBytes(1 << 20).errorHandler(Throwable::printStackTrace);
    }
}
