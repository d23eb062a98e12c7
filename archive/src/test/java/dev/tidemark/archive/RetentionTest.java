/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import io.aeron.Aeron;
import io.aeron.CommonContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Under sustained writes with frequent checkpoints the archive stays within a bound (segments below the older
 * snapshot are purged) while the older snapshot stays replayable; the store's counters are visible to another
 * Aeron client.
 */
class RetentionTest
{
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int SEGMENT_LENGTH = 2 * TERM_LENGTH;

    @TempDir
    File dir;

    @Test
    void shouldKeepArchiveBoundedAndOlderSnapshotReplayable() throws java.io.IOException
    {
        final String aeronDir = CommonContext.getAeronDirectoryName() + "-retention-" + System.nanoTime();
        final Map<Long, Long> model = new HashMap<>();
        long recordingId;
        long startPosition;
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(48));
        long maxArchiveBytes = 0;
        long logBytes;
        try (DurableStore store = DurableStore.open(context(aeronDir)))
        {
            for (int i = 0; i < 300_000; i++)
            {
                final long key = i % 5000;
                value.putLong(0, i);
                store.put(key, value, 0, 48, Durability.NONE);
                model.put(key, (long)i);
                if (0 == i % 5000)
                {
                    store.awaitDurable(store.position());
                    // Let the checkpoint in progress commit, however slowly a loaded machine runs the copier, so the
                    // next 5,000 writes (more than checkpointLogBytes of log) start another: one per round, by bytes.
                    final long commitDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (store.isCheckpointInProgress() && System.nanoTime() - commitDeadline < 0)
                    {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        store.poll();
                    }
                    final long retained = store.storeView().retainedPosition();
                    store.poll();
                    // The archive refuses a purge while it still deletes the last one's files: poll again.
                    final long purgeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (store.recordingStartPosition() <= retained - SEGMENT_LENGTH &&
                        System.nanoTime() - purgeDeadline < 0)
                    {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        store.poll();
                    }
                    // However far the checkpoints lag (a loaded machine), poll purges up to the segment holding
                    // the older snapshot's position, never less.
                    assertTrue(store.recordingStartPosition() > retained - SEGMENT_LENGTH,
                        "purged below " + store.recordingStartPosition() + " with " + retained + " retained");
                    maxArchiveBytes = Math.max(maxArchiveBytes, archiveBytes());
                }
            }
            logBytes = store.position();
            store.checkpointAndAwait();
            store.checkpointAndAwait();
            // The archive deletes purged segment files in a session of its own, after the purge returns: a loaded
            // machine can take a while, so poll under a generous deadline.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (archiveBytes() > 2L * SEGMENT_LENGTH && System.nanoTime() - deadline < 0)
            {
                store.poll();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertTrue(archiveBytes() <= 2L * SEGMENT_LENGTH,
                "after two checkpoints at the same position only the segment holding it need remain: " +
                archiveBytes() + " bytes");
            assertTrue(store.storeView().checkpointsCommitted() > 20, "checkpoints by log bytes");
            assertTrue(store.recordingStartPosition() > 0, "nothing purged");
            assertTrue(store.recordingStartPosition() <= store.storeView().retainedPosition());

            try (Aeron observer = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)))
            {
                final Map<Integer, Long> byType = new HashMap<>();
                final CountersReader counters = observer.countersReader();
                counters.forEach((counterId, typeId, keyBuffer, label) ->
                    byType.put(typeId, counters.getCounterValue(counterId)));
                assertEquals(store.position(), byType.get(DurableStoreCounters.PUBLISHED_POSITION_TYPE_ID));
                assertTrue(byType.get(DurableStoreCounters.CHECKPOINTS_TYPE_ID) > 20);
                assertTrue(byType.get(DurableStoreCounters.CHECKPOINT_POSITION_TYPE_ID) > 0);
                assertEquals(0L, byType.get(DurableStoreCounters.ERRORS_TYPE_ID));
            }
            recordingId = store.recordingId();
            startPosition = store.recordingStartPosition();
            store.closeWithoutCheckpoint();
        }
        assertTrue(logBytes > 200L * SEGMENT_LENGTH, "log too short to show a bound: " + logBytes);
        assertTrue(maxArchiveBytes < logBytes,
            "archive grew to " + maxArchiveBytes + " bytes for " + logBytes + " bytes of log");

        // A crash between a segment's detach and its delete leaves its file below the start: the next open deletes it.
        final File orphan = new File(new File(dir, EmbeddedArchive.DIRECTORY_NAME), recordingId + "-0.rec");
        assertTrue(startPosition >= SEGMENT_LENGTH, "nothing below the start to plant: " + startPosition);
        java.nio.file.Files.write(orphan.toPath(), new byte[4096]);
        final File startSegment = new File(new File(dir, EmbeddedArchive.DIRECTORY_NAME),
            recordingId + "-" + startPosition + ".rec");
        assertTrue(startSegment.isFile(), "the segment the recording starts in: " + startSegment);
        for (int open = 0; open < 3; open++)
        {
            try (DurableStore store = DurableStore.open(context(aeronDir)))
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (orphan.exists() && System.nanoTime() - deadline < 0)
                {
                    store.poll();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                assertFalse(orphan.exists(), "a segment file below the start left on disk after the open");
                assertEquals(startPosition, store.recordingStartPosition());
                assertTrue(startSegment.isFile(), "open " + open + " deleted the segment the recording starts in");
                assertEquals(model.size(), store.size());
                final UnsafeBuffer out = new UnsafeBuffer(new byte[48]);
                for (final Map.Entry<Long, Long> entry : model.entrySet())
                {
                    assertEquals(48, store.get(entry.getKey(), out, 0));
                    assertEquals(entry.getValue().longValue(), out.getLong(0));
                }
                for (int i = 0; i < 100; i++)
                {
                    store.poll();
                }
                store.closeWithoutCheckpoint();
            }
            assertTrue(startSegment.isFile(), "the close after open " + open + " deleted the start segment");
        }
    }

    @Test
    void shouldDeleteDetachedSegmentsByCloseWhenTheStoreIsNeverPolled()
    {
        final String aeronDir = CommonContext.getAeronDirectoryName() + "-retention-nopoll-" + System.nanoTime();
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(48));
        final long recordingId;
        final long startPosition;
        try (DurableStore store = DurableStore.open(context(aeronDir)))
        {
            for (int i = 0; i < 100_000; i++)
            {
                value.putLong(0, i);
                store.put(i % 5000, value, 0, 48, Durability.NONE);
                if (0 == i % 10_000)
                {
                    store.checkpointAndAwait(); // an awaited checkpoint purges; poll() is never called
                }
            }
            store.checkpointAndAwait();
            recordingId = store.recordingId();
            startPosition = store.recordingStartPosition();
            assertTrue(startPosition > 0, "nothing purged: " + startPosition);
        }
        final File archive = new File(dir, EmbeddedArchive.DIRECTORY_NAME);
        final String[] below = archive.list((d, name) -> name.startsWith(recordingId + "-") && name.endsWith(".rec") &&
            Long.parseLong(name.substring((recordingId + "-").length(), name.length() - 4)) < startPosition);
        assertEquals(List.of(), java.util.Arrays.asList(below), "detached segments left after the close");
    }

    private DurableStoreContext context(final String aeronDir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(48)
            .capacity(10_000)).aeronDirectoryName(aeronDir).termLength(TERM_LENGTH).segmentFileLength(SEGMENT_LENGTH)
            .checkpointLogBytes(2 * SEGMENT_LENGTH).errorHandler(Throwable::printStackTrace);
    }

    private long archiveBytes()
    {
        long total = 0;
        final File[] files = new File(dir, "archive").listFiles((d, name) -> name.endsWith(".rec"));
        for (final File file : files)
        {
            total += file.length();
        }
        return total;
    }
}
