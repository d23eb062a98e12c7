/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A seeded stream of operations on a {@link DurableStore}, the same in the test JVM and in a child JVM, so that a
 * test can rebuild the model of the first k mutations a killed child made. The stream depends on the seed and the
 * settings only, never on what the store answers: puts and removes at every durability, batches of every size up
 * to the largest the store accepts (including ones longer than one MTU), values of every length 0..maxValueLength
 * (drawn from a shuffled deck, so each length appears once per maxValueLength + 1 puts), and checkpoints, polls
 * and durable waits at random points.
 * <p>
 * {@link Child#main(String[])} runs the stream in a child JVM until it is killed, reporting in a memory-mapped file
 * how many mutations it has issued (before each starts) and how many are acknowledged (durable at RECORDED or
 * SYNCED, or awaited).
 */
final class ModelWorkload
{
    /**
     * System property holding the seed to rerun with; a random seed when absent.
     */
    static final String SEED_PROP_NAME = "tidemark.test.seed";

    static final int PUT = 0;
    static final int REMOVE = 1;
    static final int BATCH = 2;
    static final int CHECKPOINT = 3;
    static final int CHECKPOINT_AND_AWAIT = 4;
    static final int POLL = 5;
    static final int AWAIT_DURABLE = 6;

    /**
     * Keys are drawn from this many distinct keys, so overwrites and removes of present keys are common.
     */
    static final int KEY_SPACE = 1500;

    /**
     * StoreContext's default maxBatchOperations.
     */
    static final int MAX_BATCH_OPERATIONS = 1024;

    static final int ISSUED_OFFSET = 0;
    static final int ACKNOWLEDGED_OFFSET = 8;
    static final int REPORT_LENGTH = 4096;

    /**
     * The two store shapes: long keys, and byte keys. Both hold every key of the key space.
     */
    enum Kind
    {
        LONG_KEYS(8, 120, 4096, 80, 100),
        BYTE_KEYS(16, 256, 4096, 40, 200);

        final int keyLength;
        final int maxValueLength;
        final int capacity;
        final int overMtuOperations;
        final int overMtuValueLength;

        Kind(
            final int keyLength,
            final int maxValueLength,
            final int capacity,
            final int overMtuOperations,
            final int overMtuValueLength)
        {
            this.keyLength = keyLength;
            this.maxValueLength = maxValueLength;
            this.capacity = capacity;
            this.overMtuOperations = overMtuOperations;
            this.overMtuValueLength = overMtuValueLength;
        }

        boolean longKeys()
        {
            return Long.BYTES == keyLength;
        }

        /**
         * Settings of this shape's store. fileSyncLevel 1 so that every durability, SYNCED too, may be asked for.
         */
        DurableStoreContext context(final File dir, final Durability defaultDurability, final ErrorHandler errors)
        {
            return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(keyLength)
                .maxValueLength(maxValueLength).capacity(capacity))
                .durability(defaultDurability)
                .archiveFileSyncLevel(1)
                .checkpointLogBytes(4L * 1024 * 1024)
                .errorHandler(errors);
        }
    }

    /**
     * One operation of a batch, or the whole of a put or remove.
     */
    static final class Op
    {
        final boolean put;
        final int key;
        final byte[] value;

        Op(final boolean put, final int key, final byte[] value)
        {
            this.put = put;
            this.key = key;
            this.value = value;
        }
    }

    /**
     * One step of the stream: a mutation (put, remove, batch) or a control (checkpoint, poll, durable wait).
     */
    static final class Step
    {
        int type;
        /**
         * Null: the overload without a durability, so the store's default.
         */
        Durability durability;
        int offset;
        final List<Op> ops = new ArrayList<>();

        boolean isMutation()
        {
            return PUT == type || REMOVE == type || BATCH == type;
        }

        Durability effectiveDurability(final Durability storeDefault)
        {
            return null == durability ? storeDefault : durability;
        }

        String describe()
        {
            final String[] names = { "put", "remove", "batch", "checkpoint", "checkpointAndAwait", "poll",
                "awaitDurable" };
            return names[type] + (isMutation() ? "(ops=" + ops.size() + " durability=" + durability + ")" : "");
        }
    }

    /**
     * A key of the model: its bytes as the store holds them (a long key little-endian).
     */
    static final class Key
    {
        final byte[] bytes;

        Key(final byte[] bytes)
        {
            this.bytes = bytes;
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Key && Arrays.equals(bytes, ((Key)other).bytes);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString()
        {
            final StringBuilder text = new StringBuilder("0x");
            for (final byte b : bytes)
            {
                text.append(String.format("%02x", b & 0xFF));
            }
            return text.toString();
        }
    }

    /**
     * Within one MTU: the longest batch that is certainly one unfragmented message.
     */
    static final int WITHIN_ONE_MTU_BYTES = DurableStoreConfiguration.MTU_LENGTH_DEFAULT - 512;

    final Kind kind;
    final long seed;
    final boolean withinOneMtu;
    final int batchLimitBytes;
    final int largestBatchValueLength;
    final long[] longKeys = new long[KEY_SPACE];
    final Key[] keys = new Key[KEY_SPACE];

    private final Random random;
    private final int[] lengthDeck;
    private int deckIndex;

    // What the stream has produced so far, so a test can prove it covered what it claims to.
    final boolean[] valueLengthsWritten;
    int batches;
    int batchesOverMtu;
    int largestBatches;
    int largestBatchOperations;

    /**
     * @param kind                    the store shape.
     * @param seed                    the seed.
     * @param batchLimitBytes         the encoded length of the largest batch the store accepted.
     * @param largestBatchValueLength the value length of {@link #MAX_BATCH_OPERATIONS} puts making that batch.
     */
    ModelWorkload(final Kind kind, final long seed, final int batchLimitBytes, final int largestBatchValueLength)
    {
        this(kind, seed, batchLimitBytes, largestBatchValueLength, false);
    }

    /**
     * @param kind                    the store shape.
     * @param seed                    the seed.
     * @param batchLimitBytes         the encoded length of the largest batch the store accepted, or with
     *                                {@code withinOneMtu} the longest batch to make.
     * @param largestBatchValueLength the value length of {@link #MAX_BATCH_OPERATIONS} puts making that batch.
     * @param withinOneMtu            make no batch longer than one MTU: a control, for a store whose replay of
     *                                fragmented messages is broken.
     */
    ModelWorkload(
        final Kind kind,
        final long seed,
        final int batchLimitBytes,
        final int largestBatchValueLength,
        final boolean withinOneMtu)
    {
        this.withinOneMtu = withinOneMtu;
        this.kind = kind;
        this.seed = seed;
        this.batchLimitBytes = batchLimitBytes;
        this.largestBatchValueLength = largestBatchValueLength;
        this.random = new Random(seed);
        this.lengthDeck = new int[kind.maxValueLength + 1];
        this.valueLengthsWritten = new boolean[kind.maxValueLength + 1];
        deckIndex = lengthDeck.length;
        makeKeys(new Random(seed ^ 0x5DEECE66DL));
    }

    private void makeKeys(final Random keyRandom)
    {
        final Set<Key> seen = new HashSet<>();
        int index = 0;
        while (index < KEY_SPACE)
        {
            final byte[] bytes = new byte[kind.keyLength];
            long asLong = 0;
            if (kind.longKeys())
            {
                final long[] edges = { 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L };
                asLong = index < edges.length ? edges[index] : keyRandom.nextLong();
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, asLong);
            }
            else if (0 == index)
            {
                Arrays.fill(bytes, (byte)0);
            }
            else if (1 == index)
            {
                Arrays.fill(bytes, (byte)0xFF);
            }
            else
            {
                keyRandom.nextBytes(bytes);
            }
            final Key key = new Key(bytes);
            if (seen.add(key))
            {
                longKeys[index] = asLong;
                keys[index] = key;
                index++;
            }
        }
    }

    static long seed()
    {
        final String text = System.getProperty(SEED_PROP_NAME);
        return null == text || text.isBlank() ? new SecureRandom().nextLong() : Long.decode(text.trim());
    }

    static String rerun(final long seed)
    {
        return "seed=" + seed + " (rerun with -D" + SEED_PROP_NAME + "=" + seed + ")";
    }

    /**
     * The next step. Allocates; for tests.
     */
    Step next()
    {
        final Step step = new Step();
        final int roll = random.nextInt(1000);
        if (roll < 440)
        {
            step.type = PUT;
            step.ops.add(new Op(true, random.nextInt(KEY_SPACE), value(nextLength())));
        }
        else if (roll < 590)
        {
            step.type = REMOVE;
            step.ops.add(new Op(false, random.nextInt(KEY_SPACE), null));
        }
        else if (roll < 840)
        {
            step.type = BATCH;
            makeBatch(step);
        }
        else if (roll < 890)
        {
            step.type = CHECKPOINT;
        }
        else if (roll < 897)
        {
            step.type = CHECKPOINT_AND_AWAIT;
        }
        else if (roll < 970)
        {
            step.type = POLL;
        }
        else
        {
            step.type = AWAIT_DURABLE;
        }
        if (step.isMutation())
        {
            final int durability = random.nextInt(100);
            step.durability = durability < 10 ? null : durability < 72 ? Durability.NONE :
                durability < 92 ? Durability.RECORDED : Durability.SYNCED;
            step.offset = random.nextInt(8);
        }
        return step;
    }

    /**
     * A batch of a fixed shape, e.g. longer than one MTU; for scripted steps of a test.
     */
    Step batchOf(final int operations, final int valueLength, final Durability durability)
    {
        final Step step = new Step();
        step.type = BATCH;
        step.durability = durability;
        for (int i = 0; i < operations; i++)
        {
            step.ops.add(new Op(true, random.nextInt(KEY_SPACE), value(valueLength)));
        }
        countBatch(step);
        return step;
    }

    /**
     * A put of a random key and length; for scripted steps of a test.
     */
    Step putOf(final Durability durability)
    {
        final Step step = new Step();
        step.type = PUT;
        step.durability = durability;
        step.ops.add(new Op(true, random.nextInt(KEY_SPACE), value(nextLength())));
        return step;
    }

    private void makeBatch(final Step step)
    {
        final int shape = random.nextInt(100);
        if (withinOneMtu && shape < 11)
        {
            for (int i = 0, bytes = 0; i < MAX_BATCH_OPERATIONS; i++)
            {
                final int length = nextLength();
                bytes += BatchDescriptor.operationLength(kind.keyLength, BatchDescriptor.PUT, length);
                if (bytes > batchLimitBytes)
                {
                    break;
                }
                step.ops.add(new Op(true, random.nextInt(KEY_SPACE), value(length)));
            }
        }
        else if (shape < 8)
        {
            for (int i = 0; i < kind.overMtuOperations; i++)
            {
                step.ops.add(new Op(true, random.nextInt(KEY_SPACE), value(kind.overMtuValueLength)));
            }
        }
        else if (shape < 11)
        {
            for (int i = 0; i < MAX_BATCH_OPERATIONS; i++)
            {
                step.ops.add(new Op(true, random.nextInt(KEY_SPACE), value(largestBatchValueLength)));
            }
        }
        else
        {
            final int operations = shape < 50 ? 1 + random.nextInt(4) : shape < 80 ? 5 + random.nextInt(60) :
                65 + random.nextInt(MAX_BATCH_OPERATIONS - 64);
            final boolean smallValues = shape >= 80;
            int bytes = 0;
            for (int i = 0; i < operations; i++)
            {
                final boolean put = random.nextInt(4) != 0;
                final int length = put ? (smallValues ? random.nextInt(17) : nextLength()) : 0;
                final int operationLength = BatchDescriptor.operationLength(
                    kind.keyLength, put ? BatchDescriptor.PUT : BatchDescriptor.REMOVE, length);
                if (bytes + operationLength > batchLimitBytes)
                {
                    break;
                }
                bytes += operationLength;
                step.ops.add(new Op(put, random.nextInt(KEY_SPACE), put ? value(length) : null));
            }
        }
        countBatch(step);
    }

    private void countBatch(final Step step)
    {
        batches++;
        final int bytes = encodedLength(step);
        if (bytes > DurableStoreConfiguration.MTU_LENGTH_DEFAULT)
        {
            batchesOverMtu++;
        }
        if (bytes == batchLimitBytes && MAX_BATCH_OPERATIONS == step.ops.size())
        {
            largestBatches++;
        }
        largestBatchOperations = Math.max(largestBatchOperations, step.ops.size());
    }

    int encodedLength(final Step step)
    {
        int bytes = 0;
        for (final Op op : step.ops)
        {
            bytes += BatchDescriptor.operationLength(
                kind.keyLength, op.put ? BatchDescriptor.PUT : BatchDescriptor.REMOVE, op.put ? op.value.length : 0);
        }
        return bytes;
    }

    private int nextLength()
    {
        if (deckIndex == lengthDeck.length)
        {
            for (int i = 0; i < lengthDeck.length; i++)
            {
                lengthDeck[i] = i;
            }
            for (int i = lengthDeck.length - 1; i > 0; i--)
            {
                final int j = random.nextInt(i + 1);
                final int swap = lengthDeck[i];
                lengthDeck[i] = lengthDeck[j];
                lengthDeck[j] = swap;
            }
            deckIndex = 0;
        }
        return lengthDeck[deckIndex++];
    }

    private byte[] value(final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        valueLengthsWritten[length] = true;
        return bytes;
    }

    // ------------------------------------------------------------------------------------------------ execution

    /**
     * Buffers for executing steps, reused.
     */
    static final class Buffers
    {
        final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
        StoreBatch batch;
    }

    /**
     * Run a step on the store through its public API.
     *
     * @return the position the mutation returned, or -1 for a control.
     */
    long execute(final DurableStore store, final Step step, final Buffers buffers, final Durability storeDefault)
    {
        final int at = step.offset;
        switch (step.type)
        {
            case PUT:
            {
                final Op op = step.ops.get(0);
                buffers.value.putBytes(at, op.value);
                if (kind.longKeys())
                {
                    return null == step.durability ?
                        store.put(longKeys[op.key], buffers.value, at, op.value.length) :
                        store.put(longKeys[op.key], buffers.value, at, op.value.length, step.durability);
                }
                buffers.key.putBytes(at, keys[op.key].bytes);
                return null == step.durability ?
                    store.put(buffers.key, at, buffers.value, at, op.value.length) :
                    store.put(buffers.key, at, buffers.value, at, op.value.length, step.durability);
            }
            case REMOVE:
            {
                final Op op = step.ops.get(0);
                if (kind.longKeys())
                {
                    return null == step.durability ?
                        store.remove(longKeys[op.key]) : store.remove(longKeys[op.key], step.durability);
                }
                buffers.key.putBytes(at, keys[op.key].bytes);
                // No byte-key remove without a durability: the default is passed explicitly.
                return store.remove(buffers.key, at, step.effectiveDurability(storeDefault));
            }
            case BATCH:
            {
                if (null == buffers.batch)
                {
                    buffers.batch = store.newBatch();
                }
                final StoreBatch batch = buffers.batch.clear();
                for (final Op op : step.ops)
                {
                    if (kind.longKeys())
                    {
                        if (op.put)
                        {
                            buffers.value.putBytes(0, op.value);
                            batch.put(longKeys[op.key], buffers.value, 0, op.value.length);
                        }
                        else
                        {
                            batch.remove(longKeys[op.key]);
                        }
                    }
                    else
                    {
                        buffers.key.putBytes(at, keys[op.key].bytes);
                        if (op.put)
                        {
                            buffers.value.putBytes(at, op.value);
                            batch.put(buffers.key, at, buffers.value, at, op.value.length);
                        }
                        else
                        {
                            batch.remove(buffers.key, at);
                        }
                    }
                }
                return null == step.durability ? store.apply(batch) : store.apply(batch, step.durability);
            }
            case CHECKPOINT:
                store.checkpoint();
                return -1;
            case CHECKPOINT_AND_AWAIT:
                store.checkpointAndAwait();
                return -1;
            case POLL:
                store.poll();
                return -1;
            case AWAIT_DURABLE:
                store.awaitDurable(store.position());
                return -1;
            default:
                throw new IllegalStateException("unknown step type " + step.type);
        }
    }

    /**
     * Apply a mutation to the model.
     */
    void applyTo(final Map<Key, byte[]> model, final Step step)
    {
        for (final Op op : step.ops)
        {
            if (op.put)
            {
                model.put(keys[op.key], op.value);
            }
            else
            {
                model.remove(keys[op.key]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ child JVM

    static String tail(final List<String> lines, final int count)
    {
        synchronized (lines)
        {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }
    }

    /**
     * Runs the stream on a store in a child JVM until killed (or three minutes have passed).
     * <p>
     * Arguments: kind, seed, store directory, batch limit bytes, largest batch value length, default durability,
     * within one MTU (true or false).
     * The report file is the store directory's path plus ".report": issued mutations at offset 0 (stored before
     * each mutation starts), acknowledged mutations at offset 8 (after a durable one returns or a durable wait),
     * both counting from the store's first mutation. A reopened store continues the stream after its last
     * mutation.
     */
    static final class Child
    {
        private Child()
        {
        }

        public static void main(final String[] args)
        {
            final Kind kind = Kind.valueOf(args[0]);
            final long seed = Long.parseLong(args[1]);
            final File dir = new File(args[2]);
            final ModelWorkload workload = new ModelWorkload(
                kind, seed, Integer.parseInt(args[3]), Integer.parseInt(args[4]), Boolean.parseBoolean(args[6]));
            final Durability storeDefault = Durability.valueOf(args[5]);
            final File reportFile = new File(args[2] + ".report");
            final UnsafeBuffer report = new UnsafeBuffer(reportFile.exists() ?
                IoUtil.mapExistingFile(reportFile, "report") : IoUtil.mapNewFile(reportFile, REPORT_LENGTH));
            final ErrorHandler errors = (throwable) -> throwable.printStackTrace(System.out);
            // Longer than the test waits for it: the test kills it; this only stops an orphan.
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            try (DurableStore store = DurableStore.open(kind.context(dir, storeDefault, errors)))
            {
                final long start = store.sequence();
                report.putLongRelease(ISSUED_OFFSET, start);
                report.putLongRelease(ACKNOWLEDGED_OFFSET, start);
                long mutations = 0;
                while (mutations < start)
                {
                    if (workload.next().isMutation())
                    {
                        mutations++;
                    }
                }
                System.out.println("OPEN sequence=" + start + " replayed=" + store.recovery().replayedMessages());
                System.out.flush();
                final Buffers buffers = new Buffers();
                while (System.nanoTime() - deadline < 0)
                {
                    final Step step = workload.next();
                    if (step.isMutation())
                    {
                        report.putLongRelease(ISSUED_OFFSET, mutations + 1);
                        workload.execute(store, step, buffers, storeDefault);
                        mutations++;
                        if (Durability.NONE != step.effectiveDurability(storeDefault))
                        {
                            report.putLongRelease(ACKNOWLEDGED_OFFSET, mutations);
                        }
                    }
                    else
                    {
                        workload.execute(store, step, buffers, storeDefault);
                        if (AWAIT_DURABLE == step.type)
                        {
                            report.putLongRelease(ACKNOWLEDGED_OFFSET, mutations);
                        }
                    }
                }
                System.out.println("DEADLINE mutations=" + mutations);
            }
            catch (final RuntimeException ex)
            {
                ex.printStackTrace(System.out);
                System.exit(2);
            }
        }
    }
}
