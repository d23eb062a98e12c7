/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A young store whose newest snapshot is damaged while the older one is still the creation image, taken before the
 * store had a recording. The open must not start a new recording over an empty store: it replays the store's
 * recording whole onto the creation image.
 */
class CreationImageFallbackTest
{
    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();

    @Test
    void shouldReplayTheWholeRecordingOntoTheCreationImageNotOpenEmpty() throws IOException
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        final long recordingId;
        try (DurableStore store = open())
        {
            recordingId = store.recordingId();
            for (long i = 0; i < 100; i++)
            {
                value.putLong(0, i * 3);
                store.put(i, value, 0, 8, Durability.RECORDED);
            }
            store.closeWithoutCheckpoint();
        }
        final String newest;
        try (StateStore probe = StateStore.open(new StoreContext().dir(dir).kind(StoreKind.DURABLE)
            .errorHandler(errors::add)))
        {
            assertEquals(0, probe.statistics().restoredPosition(), "only the recording's identity was checkpointed");
            newest = 0 == probe.statistics().restoredSlot() ? "slot-a.dat" : "slot-b.dat";
            probe.closeWithoutCheckpoint();
        }
        try (RandomAccessFile file = new RandomAccessFile(new File(dir, newest), "rw"))
        {
            file.seek(4096 + 17);
            file.write(new byte[]{ 9, 9, 9, 9 });
        }

        try (DurableStore store = open())
        {
            assertTrue(store.storeView().statistics().restoredFromFallback());
            assertEquals(recordingId, store.recordingId(), "the same recording, not a new one");
            assertEquals(100, store.size(), errors.toString());
            assertEquals(100, store.recovery().replayedMessages());
            final RecoveryReport report = store.recovery();
            assertTrue(report.storeOpenNs() > 0 && report.archiveStartNs() > 0 && report.replayDurationNs() > 0,
                report.toString());
            assertTrue(report.storeOpenNs() + report.archiveStartNs() + report.replayDurationNs() <=
                report.recoveryDurationNs(), "the parts are within the whole: " + report);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[16]);
            for (long i = 0; i < 100; i++)
            {
                assertEquals(8, store.get(i, out, 0));
                assertEquals(i * 3, out.getLong(0));
            }
            value.putLong(0, 7);
            store.put(1000, value, 0, 8, Durability.RECORDED);
        }
        try (DurableStore store = open())
        {
            assertEquals(101, store.size());
        }
        assertTrue(errors.toString().contains("creation image"), errors.toString());
    }

    private DurableStore open()
    {
        return DurableStore.open(new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(16).capacity(1000))
            .errorHandler(errors::add));
    }
}
