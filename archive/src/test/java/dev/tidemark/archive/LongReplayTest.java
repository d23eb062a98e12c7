/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
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
    private static final int ROUND = 2_000_000;
    private static final int MAX_ROUNDS = 15;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    File dir;

    /**
     * How fast a replay runs depends on the machine, so the log grows round by round, from the same snapshot, until
     * one replay takes longer than the timeout; every replay in between must also complete and apply every message.
     */
    @Test
    void shouldCompleteAReplayLongerThanTheRecoveryTimeout()
    {
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        DurableStore store = DurableStore.open(context());
        try
        {
            store.checkpointAndAwait();
            long written = 0;
            long longestNs = 0;
            for (int round = 1; round <= MAX_ROUNDS; round++)
            {
                for (int i = 0; i < ROUND; i++)
                {
                    value.putLong(0, written);
                    store.put(written & 0xFFFF, value, 0, 8, Durability.NONE);
                    written++;
                }
                store.closeWithoutCheckpoint();
                store = DurableStore.open(context());
                assertEquals(written, store.recovery().replayedMessages(), "round " + round);
                longestNs = Math.max(longestNs, store.recovery().replayDurationNs());
                if (store.recovery().replayDurationNs() > TIMEOUT_NS)
                {
                    return;
                }
            }
            fail("no replay of up to " + written + " messages outlasted the " +
                TimeUnit.NANOSECONDS.toMillis(TIMEOUT_NS) + " ms timeout (longest " +
                TimeUnit.NANOSECONDS.toMillis(longestNs) + " ms): the test proves nothing on this machine");
        }
        finally
        {
            store.close();
        }
    }

    private DurableStoreContext context()
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(8)
            .capacity(70_000))
            .checkpointLogBytes(Long.MAX_VALUE / 2).checkpointIntervalNs(TimeUnit.HOURS.toNanos(1))
            .recoveryTimeoutNs(TIMEOUT_NS).errorHandler(Throwable::printStackTrace);
    }
}
