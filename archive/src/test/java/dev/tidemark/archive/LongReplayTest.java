/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The recovery timeout bounds a stall, not the whole replay: a replay that keeps moving for longer than the timeout
 * completes.
 */
@Tag("slow")
class LongReplayTest
{
    private static final int MESSAGES = 6_000_000;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    File dir;

    @Test
    void shouldCompleteAReplayLongerThanTheRecoveryTimeout()
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        try (DurableStore store = DurableStore.open(context()))
        {
            store.checkpointAndAwait();
            for (int i = 0; i < MESSAGES; i++)
            {
                value.putLong(0, i);
                store.put(i & 0xFFFF, value, 0, 8, Durability.NONE);
            }
            store.closeWithoutCheckpoint();
        }
        try (DurableStore store = DurableStore.open(context()))
        {
            assertEquals(MESSAGES, store.replayedMessages());
            assertTrue(store.replayDurationNs() > TIMEOUT_NS, "the replay outlasted the timeout: " +
                TimeUnit.NANOSECONDS.toMillis(store.replayDurationNs()) + " ms");
        }
    }

    private DurableStore.Context context()
    {
        return new DurableStore.Context().dir(dir).keyLength(8).maxValueLength(8).capacity(70_000)
            .checkpointLogBytes(Long.MAX_VALUE / 2).checkpointIntervalNs(TimeUnit.HOURS.toNanos(1))
            .recoveryTimeoutNs(TIMEOUT_NS).errorHandler(Throwable::printStackTrace);
    }
}
