/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reader threads against a writer that puts, removes (forcing backward shifts in crowded probe runs), applies
 * batches and checkpoints, for a bounded time. Every value carries its key, a version and a CRC of both, so a torn,
 * mixed or misplaced value is caught; a set of keys is present throughout, so a missed key is caught, by get,
 * contains and forEach; and the churned keys come in clusters of four sharing a home bucket, each with an epoch the
 * writer moves before a removal and after a put, so that a read between two equal odd epochs was of a key present
 * throughout it, which the backward shifts of its cluster-mates move about. With half the protocol switched off (a
 * test-only reader that ignores the pages' stamps, or the moves counter) the same checks must find violations: that
 * is what shows the checks can fail.
 */
class ReaderTortureTest
{
    private static final int VALUE_LENGTH = 64;
    private static final int STABLE = 2_000;
    private static final int CHURN = 6_000;
    private static final int CAPACITY = 12_000;
    private static final long RUN_NS = TimeUnit.SECONDS.toNanos(3);
    private static final long UNCHECKED_DEADLINE_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int CLUSTER = 4;

    @TempDir
    File dir;

    @Test
    void shouldNeverSeeATornMixedOrMissingValueWhileTheWriterRuns() throws Exception
    {
        final Violations violations = run(Mode.PROTOCOL, RUN_NS);
        System.out.println("ReaderTortureTest, protocol on: " + violations);
        assertEquals(0, violations.count.get(), violations.toString());
        assertTrue(violations.reads.get() > 0, "the readers never read");
    }

    @Test
    void shouldSeeTornValuesWhenTheReaderIgnoresThePagesStamps() throws Exception
    {
        // Until the first violation or a generous deadline: on a loaded machine the threads may overlap rarely.
        final Violations violations = run(Mode.IGNORE_STAMPS, UNCHECKED_DEADLINE_NS);
        System.out.println("ReaderTortureTest, stamps ignored: " + violations);
        assertTrue(violations.count.get() > 0,
            "no violation found without the stamps in " + violations.reads.get() + " reads: the checks are blind");
    }

    @Test
    void shouldSeeMissedKeysOrMixedValuesWhenTheReaderIgnoresTheMovesOfRemovals() throws Exception
    {
        final Violations violations = run(Mode.IGNORE_MOVES, UNCHECKED_DEADLINE_NS);
        System.out.println("ReaderTortureTest, moves ignored: " + violations);
        assertTrue(violations.count.get() > 0,
            "no violation found without the moves counter in " + violations.reads.get() + " reads: the checks are " +
            "blind");
    }

    private enum Mode
    {
        PROTOCOL, IGNORE_STAMPS, IGNORE_MOVES
    }

    private Violations run(final Mode mode, final long runNs) throws Exception
    {
        final long[] churnKeys = clusteredKeys();
        final AtomicLongArray epochs = new AtomicLongArray(CHURN);
        final Violations violations = new Violations();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> readers = new ArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (StateStore store = StateStore.open(Fixtures.context(dir, CAPACITY, VALUE_LENGTH)
            .checkpointPagesPerDutyCycle(64)))
        {
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
            for (long key = 0; key < STABLE; key++)
            {
                encode(value, key, 0);
                store.put(key, value, 0, VALUE_LENGTH);
            }
            for (int i = 0; i < 2; i++)
            {
                final StoreReader reader = Mode.PROTOCOL == mode ? store.newReader() :
                    store.newReader(Mode.IGNORE_STAMPS == mode, Mode.IGNORE_MOVES == mode);
                final boolean untilViolation = Mode.PROTOCOL != mode;
                final Thread thread = new Thread(
                    () -> read(reader, churnKeys, epochs, stop, violations, untilViolation), "reader-" + i);
                thread.setUncaughtExceptionHandler((t, ex) -> failure.set(ex));
                readers.add(thread);
                thread.start();
            }
            write(store, value, churnKeys, epochs, stop, violations, Mode.PROTOCOL != mode, runNs);
            stop.set(true);
            for (final Thread thread : readers)
            {
                thread.join(TimeUnit.SECONDS.toMillis(60)); // before the close, which readers would meet as errors
            }
        }
        finally
        {
            stop.set(true);
            for (final Thread thread : readers)
            {
                thread.join(TimeUnit.SECONDS.toMillis(60));
                assertFalse(thread.isAlive(), "a reader did not stop");
            }
        }
        assertNull(failure.get(), () -> "a reader threw: " + failure.get());
        return violations;
    }

    private static void write(
        final StateStore store,
        final UnsafeBuffer value,
        final long[] churnKeys,
        final AtomicLongArray epochs,
        final AtomicBoolean stop,
        final Violations violations,
        final boolean untilViolation,
        final long runNs)
    {
        final SplittableRandom random = new SplittableRandom(42);
        final boolean[] present = new boolean[CHURN];
        final StoreBatch batch = store.newBatch();
        final long end = System.nanoTime() + runNs;
        long version = 1;
        while (System.nanoTime() < end && !(untilViolation && violations.count.get() > 0))
        {
            final int choice = random.nextInt(100);
            if (choice < 40)
            {
                final long key = random.nextInt(STABLE);
                encode(value, key, version++);
                store.put(key, value, 0, VALUE_LENGTH);
            }
            else if (choice < 90)
            {
                final int churn = random.nextInt(CHURN);
                final long key = churnKeys[churn];
                if (present[churn])
                {
                    epochs.incrementAndGet(churn); // even: may be missing from now on
                    store.remove(key);
                }
                else
                {
                    encode(value, key, version++);
                    store.put(key, value, 0, VALUE_LENGTH);
                    epochs.incrementAndGet(churn); // odd: present from now on
                }
                present[churn] = !present[churn];
            }
            else if (choice < 99)
            {
                batch.clear();
                for (int i = 0; i < 8; i++)
                {
                    final long key = random.nextInt(STABLE);
                    encode(value, key, version++);
                    batch.put(key, value, 0, VALUE_LENGTH);
                }
                store.apply(batch);
            }
            else if (!store.isCheckpointInProgress())
            {
                store.checkpoint();
            }
        }
        stop.set(true);
    }

    private static void read(
        final StoreReader reader,
        final long[] churnKeys,
        final AtomicLongArray epochs,
        final AtomicBoolean stop,
        final Violations violations,
        final boolean untilViolation)
    {
        final SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[VALUE_LENGTH]);
        final boolean[] seen = new boolean[STABLE];
        final boolean[] churnSeen = new boolean[CHURN];
        final long[] epochsBefore = new long[CHURN];
        final java.util.Map<Long, Integer> churnIndex = new java.util.HashMap<>();
        for (int c = 0; c < CHURN; c++)
        {
            churnIndex.put(churnKeys[c], c);
        }
        long reads = 0;
        while (!stop.get())
        {
            final int choice = random.nextInt(1000);
            if (choice < 600)
            {
                final long key = random.nextInt(STABLE);
                final int length = reader.get(key, out, 0);
                if (length != VALUE_LENGTH)
                {
                    violations.missed("stable key " + key + " missing (length " + length + ")");
                }
                else
                {
                    check(out, key, violations);
                }
                if (!reader.contains(key))
                {
                    violations.missed("contains: stable key " + key + " missing");
                }
            }
            else if (choice < 980)
            {
                final int churn = random.nextInt(CHURN);
                final long key = churnKeys[churn];
                final long before = epochs.get(churn);
                final int length = reader.get(key, out, 0);
                final boolean presentThroughout = 1 == (before & 1) && epochs.get(churn) == before;
                if (length == VALUE_LENGTH)
                {
                    check(out, key, violations);
                }
                else if (presentThroughout)
                {
                    violations.missed("churned key " + key + " missing though present throughout the read");
                }
            }
            else
            {
                java.util.Arrays.fill(seen, false);
                java.util.Arrays.fill(churnSeen, false);
                for (int c = 0; c < CHURN; c++)
                {
                    epochsBefore[c] = epochs.get(c);
                }
                reader.forEach((k, v) ->
                {
                    final long key = k.getLong(0);
                    check(v, key, violations);
                    if (key < STABLE)
                    {
                        seen[(int)key] = true;
                    }
                    final Integer churn = churnIndex.get(key);
                    if (null != churn)
                    {
                        churnSeen[churn] = true;
                    }
                });
                for (int c = 0; c < CHURN; c++)
                {
                    // Present for the whole iteration (its epoch odd before and unchanged after): must be visited.
                    if (1 == (epochsBefore[c] & 1) && epochs.get(c) == epochsBefore[c] && !churnSeen[c])
                    {
                        violations.missed("forEach missed churned key " + churnKeys[c] + ", present throughout");
                        break;
                    }
                }
                for (int key = 0; key < STABLE; key++)
                {
                    if (!seen[key])
                    {
                        violations.missed("forEach missed stable key " + key);
                        break;
                    }
                }
                final int size = reader.size();
                if (size < STABLE || size > STABLE + CHURN)
                {
                    violations.add("size " + size);
                }
            }
            reads++;
            if (untilViolation && violations.count.get() > 0)
            {
                break;
            }
        }
        violations.reads.addAndGet(reads);
    }

    /**
     * Keys for the churn, CLUSTER at a time sharing one home bucket (none of them a stable key), so that removing one
     * shifts its cluster-mates back.
     */
    private static long[] clusteredKeys()
    {
        final int mask = TableDescriptor.bucketCount(CAPACITY) - 1;
        final long[] keys = new long[CHURN];
        final int[] homes = new int[CHURN / CLUSTER];
        for (int c = 0; c < homes.length; c++)
        {
            homes[c] = KeyHash.tag(STABLE + 1_000_000L * c) & mask;
        }
        final int[] filled = new int[homes.length];
        final java.util.Map<Integer, Integer> clusterOfHome = new java.util.HashMap<>();
        for (int c = 0; c < homes.length; c++)
        {
            clusterOfHome.putIfAbsent(homes[c], c);
        }
        int done = 0;
        for (long candidate = STABLE; done < CHURN; candidate++)
        {
            final Integer c = clusterOfHome.get(KeyHash.tag(candidate) & mask);
            if (null != c && filled[c] < CLUSTER)
            {
                keys[c * CLUSTER + filled[c]++] = candidate;
                done++;
            }
            if (null != c && filled[c] == CLUSTER)
            {
                clusterOfHome.remove(KeyHash.tag(candidate) & mask);
                if (clusterOfHome.isEmpty() && done < CHURN)
                {
                    // Homes shared by two clusters: fill the rest from any home not yet full.
                    for (int k = 0; k < homes.length; k++)
                    {
                        if (filled[k] < CLUSTER)
                        {
                            clusterOfHome.put(homes[k], k);
                        }
                    }
                }
            }
        }
        return keys;
    }

    private static void encode(final UnsafeBuffer value, final long key, final long version)
    {
        value.putLong(0, key);
        value.putLong(8, version);
        for (int i = 16; i < VALUE_LENGTH - 4; i += 4)
        {
            value.putInt(i, (int)(key * 31 + version * 17 + i));
        }
        value.putInt(VALUE_LENGTH - 4, crc(value));
    }

    private static void check(final DirectBuffer value, final long key, final Violations violations)
    {
        if (value.getInt(VALUE_LENGTH - 4) != crc(value))
        {
            violations.add("torn value of key " + key);
        }
        else if (value.getLong(0) != key)
        {
            violations.add("key " + key + " read another key's value (" + value.getLong(0) + ")");
        }
    }

    private static int crc(final DirectBuffer value)
    {
        final CRC32C crc = new CRC32C();
        for (int i = 0; i < VALUE_LENGTH - 4; i++)
        {
            crc.update(value.getByte(i));
        }
        return (int)crc.getValue();
    }

    private static final class Violations
    {
        final AtomicLong count = new AtomicLong();
        final AtomicLong missed = new AtomicLong();
        final AtomicLong reads = new AtomicLong();
        final AtomicReference<String> first = new AtomicReference<>();

        void add(final String violation)
        {
            count.incrementAndGet();
            first.compareAndSet(null, violation);
        }

        void missed(final String violation)
        {
            missed.incrementAndGet();
            add(violation);
        }

        public String toString()
        {
            return count.get() + " violations (" + missed.get() + " keys missed) in " + reads.get() +
                " reads, the first: " + first.get();
        }
    }
}
