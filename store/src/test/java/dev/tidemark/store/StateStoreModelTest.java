/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Random operations against a {@link HashMap} model: puts, removes and batches, checkpoints at random points,
 * clean reopens (exact state) and crash reopens (the state of the newest committed checkpoint). The seed is in
 * every message; rerun one with -Dtidemark.test.seed=N.
 */
class StateStoreModelTest
{
    private static final int CAPACITY = 1500;
    private static final int KEY_SPACE = 2200;
    private static final int MAX_VALUE = 100;

    @TempDir
    File dir;

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void shouldMatchModelAcrossCheckpointsCleanAndCrashReopens(final boolean invokerMode)
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        final String label = "seed=" + seed + " invokerMode=" + invokerMode;

        final Map<Long, byte[]> model = new HashMap<>();
        final Map<Long, Map<Long, byte[]>> modelAtSequence = new HashMap<>();
        modelAtSequence.put(0L, new HashMap<>());
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));

        StateStore store = open(invokerMode);
        StoreBatch batch = store.newBatch();
        long version = 0;
        for (int round = 0; round < 12; round++)
        {
            final String where = label + " round=" + round;
            final int operations = 200 + random.nextInt(2000);
            for (int i = 0; i < operations; i++)
            {
                final int choice = random.nextInt(100);
                if (choice < 55)
                {
                    final long key = random.nextInt(KEY_SPACE);
                    final int length = random.nextInt(MAX_VALUE + 1);
                    Fixtures.fill(value, key, ++version, length);
                    if (!model.containsKey(key) && model.size() == CAPACITY)
                    {
                        final long sequence = store.lastSequence();
                        final StateStore full = store;
                        assertThrows(IllegalStateException.class, () -> full.put(key, value, 0, length), where);
                        assertEquals(sequence, store.lastSequence(), where);
                    }
                    else
                    {
                        store.put(key, value, 0, length);
                        model.put(key, Fixtures.bytes(value, 0, length));
                    }
                }
                else if (choice < 80)
                {
                    final long key = random.nextInt(KEY_SPACE);
                    assertEquals(null != model.remove(key), store.remove(key), where);
                }
                else if (choice < 90)
                {
                    applyRandomBatch(random, store, batch, model, value, ++version, where);
                }
                else if (choice < 93)
                {
                    if (store.checkpoint())
                    {
                        modelAtSequence.put(store.lastSequence(), new HashMap<>(model));
                    }
                }
                else if (invokerMode)
                {
                    store.checkpointerInvoker().invoke();
                }
                store.logPosition(store.lastSequence() * 32);
            }
            assertEquals(model.size(), store.size(), where);

            final int ending = random.nextInt(3);
            if (0 == ending)
            {
                store.close();
                store = open(invokerMode);
                Fixtures.assertStoreEquals(model, store, where + " clean reopen");
                assertEquals(store.lastSequence(), store.statistics().restoredSequence(), where);
            }
            else
            {
                store.closeWithoutCheckpoint();
                store = open(invokerMode);
                final long restoredSequence = store.statistics().restoredSequence();
                final Map<Long, byte[]> expected = modelAtSequence.get(restoredSequence);
                assertNotNull(expected, where + " restored a sequence no checkpoint was taken at: " + restoredSequence);
                Fixtures.assertStoreEquals(expected, store, where + " crash reopen at sequence " + restoredSequence);
                assertEquals(restoredSequence * 32, store.statistics().restoredPosition(), where);
                model.clear();
                model.putAll(expected);
            }
            assertFalse(store.statistics().restoredFromFallback(), where);
            modelAtSequence.put(store.lastSequence(), new HashMap<>(model));
            batch = store.newBatch();
        }
        store.close();
    }

    private static void applyRandomBatch(
        final Random random,
        final StateStore store,
        final StoreBatch batch,
        final Map<Long, byte[]> model,
        final UnsafeBuffer value,
        final long version,
        final String where)
    {
        batch.clear();
        final Map<Long, byte[]> after = new HashMap<>(model);
        final int operations = 1 + random.nextInt(6);
        boolean overflow = false;
        for (int i = 0; i < operations; i++)
        {
            final long key = random.nextInt(KEY_SPACE);
            if (random.nextInt(3) < 2)
            {
                final int length = random.nextInt(MAX_VALUE + 1);
                Fixtures.fill(value, key, version + i, length);
                batch.put(key, value, 0, length);
                after.put(key, Fixtures.bytes(value, 0, length));
                overflow |= after.size() > CAPACITY;
            }
            else
            {
                batch.remove(key);
                after.remove(key);
            }
        }
        final long sequence = store.lastSequence();
        if (overflow)
        {
            assertThrows(IllegalStateException.class, () -> store.apply(batch), where);
            assertEquals(sequence, store.lastSequence(), where);
            assertEquals(model.size(), store.size(), where);
        }
        else
        {
            store.apply(batch);
            model.clear();
            model.putAll(after);
            assertEquals(sequence + 1, store.lastSequence(), where);
        }
    }

    private StateStore open(final boolean invokerMode)
    {
        return StateStore.open(Fixtures.context(dir, CAPACITY, MAX_VALUE)
            .useCheckpointerInvoker(invokerMode)
            .checkpointPagesPerDutyCycle(3));
    }
}
