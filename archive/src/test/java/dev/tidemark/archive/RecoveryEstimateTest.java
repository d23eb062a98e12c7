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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The recovery-time objective: the estimate's arithmetic alone, and a store that checkpoints by it, publishes it as a
 * counter and reports an objective it cannot meet.
 */
class RecoveryEstimateTest
{
    private static final long MS = 1_000_000L;
    private static final long MIB = 1024 * 1024;

    @TempDir
    File dir;

    private final List<Throwable> errors = new ArrayList<>();

    @Test
    void shouldUseTheMeasuredReplayRateAndTheFixedCost()
    {
        // 400 ms open, of which 200 ms replayed 100 MiB: fixed 200 ms, 500 MiB/s.
        final RecoveryEstimate estimate = new RecoveryEstimate(1000 * MS, 400 * MS, 200 * MS, 100 * MIB);
        assertEquals(200 * MS, estimate.fixedNs());
        assertEquals(500 * MIB, estimate.bytesPerSecond());
        assertEquals(200 * MS + 100 * MS, estimate.estimateNs(50 * MIB));
        // Half the objective (500 ms) less the fixed 200 ms leaves 300 ms of replay: 150 MiB, under a 1 GiB cap.
        assertEquals(150 * MIB, estimate.checkpointLogBytes(1024 * MIB));
        assertEquals(64 * MIB, estimate.checkpointLogBytes(64 * MIB), "the byte rule stays a cap");
        assertFalse(estimate.isObjectiveBelowFixedCost());
    }

    @Test
    void shouldAssumeTheDefaultRateWhenTheOpenReplayedTooLittleToMeasure()
    {
        final RecoveryEstimate estimate = new RecoveryEstimate(1000 * MS, 300 * MS, 1 * MS, 1024);
        assertEquals(RecoveryEstimate.DEFAULT_REPLAY_BYTES_PER_SECOND, estimate.bytesPerSecond());
        assertEquals(299 * MS, estimate.fixedNs());
    }

    @Test
    void shouldFallBackToTheFewestBytesWhenTheFixedCostAloneTakesHalfTheObjective()
    {
        final RecoveryEstimate estimate = new RecoveryEstimate(100 * MS, 80 * MS, 0, 0);
        assertTrue(estimate.isObjectiveBelowFixedCost());
        assertEquals(RecoveryEstimate.MIN_CHECKPOINT_BYTES, estimate.checkpointLogBytes(64 * MIB));
    }

    @Test
    void shouldKeepTheByteRuleWithoutAnObjective()
    {
        final RecoveryEstimate estimate = new RecoveryEstimate(0, 80 * MS, 0, 0);
        assertFalse(estimate.isObjectiveBelowFixedCost());
        assertEquals(64 * MIB, estimate.checkpointLogBytes(64 * MIB));
    }

    @Test
    void shouldCheckpointByTheObjectivePublishItAndReportOneItCannotMeet()
    {
        final String aeronDir = CommonContext.getAeronDirectoryName() + "-rto-" + System.nanoTime();
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(48));
        // An objective of 1 ns: below any open's fixed cost, so checkpoints every MIN_CHECKPOINT_BYTES, reported.
        try (DurableStore store = DurableStore.open(context(aeronDir).recoveryTimeObjectiveNs(1)))
        {
            assertEquals(1, errors.size(), "the objective below the fixed cost is reported once: " + errors);
            assertTrue(errors.get(0).getMessage().contains("recovery time objective"), errors.get(0).getMessage());
            final long committed = store.storeView().checkpointsCommitted();
            long key = 0;
            // Eight steps of 1.5 MiB of log, each waiting for the checkpoint it started to end, so that however
            // slowly the checkpointer runs on a loaded machine, every step must have started one by the objective.
            for (int step = 0; step < 8; step++)
            {
                final long start = store.position();
                while (store.position() - start < RecoveryEstimate.MIN_CHECKPOINT_BYTES * 3 / 2)
                {
                    value.putLong(0, key);
                    store.put(key++ % 5_000, value, 0, 48, Durability.NONE);
                    if (0 == (key & 255))
                    {
                        store.poll();
                    }
                }
                store.poll();
                assertTrue(store.awaitCheckpoint(TimeUnit.SECONDS.toNanos(60)));
            }
            // With 64 MiB of log per checkpoint (the byte rule alone) none would have started in 12 MiB.
            assertTrue(store.storeView().checkpointsCommitted() - committed >= 8, "checkpoints by the objective: " +
                (store.storeView().checkpointsCommitted() - committed));
            store.poll();
            try (Aeron observer = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)))
            {
                final Map<Integer, Long> byType = new HashMap<>();
                final CountersReader counters = observer.countersReader();
                counters.forEach((counterId, typeId, keyBuffer, label) ->
                    byType.put(typeId, counters.getCounterValue(counterId)));
                assertTrue(byType.containsKey(DurableStoreCounters.ESTIMATED_RECOVERY_TYPE_ID));
                assertTrue(byType.get(DurableStoreCounters.ESTIMATED_RECOVERY_TYPE_ID) > 0, "an estimate published");
            }
        }
        errors.clear();
        try (DurableStore store = DurableStore.open(context(aeronDir)))
        {
            assertEquals(List.of(), errors, "no objective, nothing reported");
            assertEquals(5_000, store.size());
        }
    }

    private DurableStoreContext context(final String aeronDir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(48)
            .capacity(10_000)).aeronDirectoryName(aeronDir).errorHandler(errors::add);
    }
}
