/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.ChangeMessageDescriptor;
import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.archive.DurableStoreConfiguration;
import dev.tidemark.store.BatchDescriptor;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreConfiguration;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The crash harness's workload, generated from a seed so that the state after any k operations can be computed.
 * Operation i is one atomic batch: a transfer of an amount between two of {@link #ACCOUNTS} accounts, the operation
 * count set to i, and a seeded number of puts and removes of "blob" keys with values of any length from 0 to
 * {@link #MAX_VALUE_LENGTH}. Batch sizes run from 3 operations to the most a change message can carry (by bytes,
 * {@link #MAX_OPERATIONS_LENGTH}, or by count, {@link #MAX_BATCH_OPERATIONS}), so many change messages are longer than
 * one MTU and go out fragmented. Half the blob keys are written and read as long keys, half as 8-byte byte keys.
 * <p>
 * An account's value carries its balance, the index of the operation that last changed it (its version) and a
 * checksum of both. A blob's value is derived from (seed, operation, position in the batch, key, length): the check
 * compares every byte, so a lost, stale, torn or misplaced value of any size shows.
 * <p>
 * Checks after a crash: the operation count k lies in the bounds the supervisor gives; the state equals the model
 * after exactly k operations (no hole, no reordering, nothing twice), byte for byte, with no extra or missing key;
 * total balance is conserved; every account checksum holds; every version is at most k.
 */
final class TransferWorkload
{
    static final int ACCOUNTS = 1000;
    static final int BLOBS = 1000;
    static final long INITIAL_BALANCE = 1_000_000L;
    static final long OPERATIONS_KEY = Long.MAX_VALUE;
    static final int ACCOUNT_VALUE_LENGTH = 24;
    /**
     * The child store's maxValueLength: a 1,360-byte entry, and values up to it in single puts and in batches.
     */
    static final int MAX_VALUE_LENGTH = 1344;
    static final int CAPACITY = ACCOUNTS + BLOBS + 16;
    static final int KEY_LENGTH = 8;
    static final int TERM_LENGTH = 256 * 1024;
    /**
     * Aeron's longest message for the term length (an eighth of it): the longest batch the change stream takes.
     */
    static final int MAX_MESSAGE_LENGTH = TERM_LENGTH / 8;
    static final int MAX_OPERATIONS_LENGTH = MAX_MESSAGE_LENGTH - ChangeMessageDescriptor.HEADER_LENGTH;
    static final int MAX_BATCH_OPERATIONS = StoreConfiguration.MAX_BATCH_OPERATIONS_DEFAULT;
    /**
     * The largest message that fits one frame at the default MTU: batches longer than this are fragmented.
     */
    static final int MTU_PAYLOAD = DurableStoreConfiguration.MTU_LENGTH_DEFAULT - 32;

    /**
     * System property (of the child) that caps a batch's operations length, to bisect a failure by batch size.
     */
    static final String MAX_OPERATIONS_LENGTH_PROP_NAME = "tidemark.harness.max.operations.length";

    static final long BLOB_LONG_KEY_BASE = 1L << 40;
    private static final int PUT = BatchDescriptor.PUT;
    private static final int REMOVE = BatchDescriptor.REMOVE;
    private static final int FIXED_OPERATIONS = 3;
    private static final int ACCOUNT_OPERATION_LENGTH =
        BatchDescriptor.operationLength(KEY_LENGTH, PUT, ACCOUNT_VALUE_LENGTH);
    private static final int COUNT_OPERATION_LENGTH = BatchDescriptor.operationLength(KEY_LENGTH, PUT, 8);

    private final long seed;
    private final int maxOperationsLength;

    // The model after `applied` operations.
    private final long[] balance = new long[ACCOUNTS];
    private final long[] version = new long[ACCOUNTS];
    private final long[] blobOperation = new long[BLOBS];
    private final int[] blobIndex = new int[BLOBS];
    private final int[] blobLength = new int[BLOBS];
    private int blobsPresent;
    private long applied;

    // One generated operation's extra (blob) part: filled by generate(), shared by apply() and the model.
    private final int[] extraType = new int[MAX_BATCH_OPERATIONS];
    private final int[] extraBlob = new int[MAX_BATCH_OPERATIONS];
    private final int[] extraLength = new int[MAX_BATCH_OPERATIONS];
    private long rng;

    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE_LENGTH));
    private final UnsafeBuffer expected = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE_LENGTH));
    private final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(KEY_LENGTH));

    // Figures of what the batches looked like, for the child's report.
    long batchesOverMtu;
    long largestBatchLength;
    long largestBatchOperations;
    long valuesAtMax;

    TransferWorkload(final long seed)
    {
        this(seed, Integer.getInteger(MAX_OPERATIONS_LENGTH_PROP_NAME, MAX_OPERATIONS_LENGTH));
    }

    TransferWorkload(final long seed, final int maxOperationsLength)
    {
        this.seed = seed;
        this.maxOperationsLength = Math.min(MAX_OPERATIONS_LENGTH, maxOperationsLength);
        reset();
    }

    private void reset()
    {
        Arrays.fill(balance, INITIAL_BALANCE);
        Arrays.fill(version, 0);
        Arrays.fill(blobOperation, 0);
        Arrays.fill(blobIndex, 0);
        Arrays.fill(blobLength, -1);
        blobsPresent = 0;
        applied = 0;
    }

    static long mix(final long x)
    {
        long z = x * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    int from(final long operation)
    {
        return (int)Long.remainderUnsigned(mix(seed ^ operation), ACCOUNTS);
    }

    int to(final long operation)
    {
        final int from = from(operation);
        final int other = (int)Long.remainderUnsigned(mix(seed + operation * 31), ACCOUNTS - 1);
        return other >= from ? other + 1 : other;
    }

    long amount(final long operation)
    {
        return 1 + Long.remainderUnsigned(mix(seed * 7 + operation), 1000);
    }

    private int next(final int bound)
    {
        rng += 0x9E3779B97F4A7C15L;
        return (int)Long.remainderUnsigned(mix(rng), bound);
    }

    private int valueLength()
    {
        final int p = next(100);
        if (p < 10)
        {
            return MAX_VALUE_LENGTH;
        }
        if (p < 15)
        {
            return 0;
        }
        if (p < 50)
        {
            return 1 + next(64);
        }
        return next(MAX_VALUE_LENGTH + 1);
    }

    /**
     * Generate the blob part of an operation into the extra arrays: which shape of batch, then each put or remove,
     * stopping where the next one would not fit the message.
     *
     * @return how many blob operations.
     */
    int generate(final long operation)
    {
        rng = mix(seed * 0x632BE59BD9B4E019L + operation);
        final int shape = next(100);
        int wanted;
        boolean largest = false;
        boolean tiny = false;
        if (shape < 60)
        {
            wanted = 0;
        }
        else if (shape < 85)
        {
            wanted = 1 + next(4);
        }
        else if (shape < 95)
        {
            wanted = 5 + next(28);
        }
        else if (shape < 98)
        {
            wanted = 33 + next(32);
        }
        else if (shape < 99)
        {
            wanted = MAX_BATCH_OPERATIONS - FIXED_OPERATIONS;
            largest = true;
        }
        else
        {
            wanted = MAX_BATCH_OPERATIONS - FIXED_OPERATIONS;
            tiny = true;
        }

        int length = 2 * ACCOUNT_OPERATION_LENGTH + COUNT_OPERATION_LENGTH;
        int count = 0;
        while (count < wanted)
        {
            final int blob = next(BLOBS);
            final boolean remove = tiny ? next(2) == 0 : next(100) < 20;
            final int valueLength = remove ? 0 : tiny ? next(9) : largest ? MAX_VALUE_LENGTH : valueLength();
            final int operationLength = BatchDescriptor.operationLength(KEY_LENGTH, remove ? REMOVE : PUT, valueLength);
            if (length + operationLength > maxOperationsLength)
            {
                final int room = maxOperationsLength - length - BatchDescriptor.valueOffset(KEY_LENGTH);
                if (largest && room >= 0)
                {
                    // Fill the message to its last aligned byte: the longest batch the stream can carry.
                    extraType[count] = PUT;
                    extraBlob[count] = blob;
                    extraLength[count] = Math.min(MAX_VALUE_LENGTH, room & ~(BatchDescriptor.ALIGNMENT - 1));
                    length += BatchDescriptor.operationLength(KEY_LENGTH, PUT, extraLength[count]);
                    count++;
                }
                break;
            }
            extraType[count] = remove ? REMOVE : PUT;
            extraBlob[count] = blob;
            extraLength[count] = valueLength;
            length += operationLength;
            count++;
        }
        return count;
    }

    /**
     * Bring the model to exactly k operations.
     */
    void advanceTo(final long k)
    {
        if (k < applied)
        {
            reset();
        }
        while (applied < k)
        {
            final long operation = ++applied;
            final int from = from(operation);
            final int to = to(operation);
            final long amount = amount(operation);
            balance[from] -= amount;
            balance[to] += amount;
            version[from] = operation;
            version[to] = operation;
            final int count = generate(operation);
            for (int i = 0; i < count; i++)
            {
                final int blob = extraBlob[i];
                if (PUT == extraType[i])
                {
                    if (blobLength[blob] < 0)
                    {
                        blobsPresent++;
                    }
                    blobOperation[blob] = operation;
                    blobIndex[blob] = i;
                    blobLength[blob] = extraLength[i];
                }
                else if (blobLength[blob] >= 0)
                {
                    blobsPresent--;
                    blobLength[blob] = -1;
                }
            }
        }
    }

    static long checksum(final int account, final long balance, final long version)
    {
        return mix(account * 0x100000001B3L ^ mix(balance) ^ (version * 0xC2B2AE3D27D4EB4FL));
    }

    private void encodeAccount(final int account, final long newBalance, final long newVersion)
    {
        value.putLong(0, newBalance);
        value.putLong(8, newVersion);
        value.putLong(16, checksum(account, newBalance, newVersion));
    }

    /**
     * A blob's value: its operation, key and length first (where it is long enough), then seeded bytes, so that
     * any two writes differ and a value found under the wrong key or from the wrong operation names its origin.
     */
    private void encodeBlob(
        final UnsafeBuffer buffer, final long operation, final int index, final int blob, final int length)
    {
        long state = mix(seed ^ mix(operation * 1024 + index) ^ blob);
        int i = 0;
        if (length >= 16)
        {
            buffer.putLong(0, operation, ByteOrder.LITTLE_ENDIAN);
            buffer.putShort(8, (short)index, ByteOrder.LITTLE_ENDIAN);
            buffer.putShort(10, (short)blob, ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(12, length, ByteOrder.LITTLE_ENDIAN);
            i = 16;
        }
        for (; i + 8 <= length; i += 8)
        {
            state = mix(state);
            buffer.putLong(i, state, ByteOrder.LITTLE_ENDIAN);
        }
        state = mix(state);
        for (; i < length; i++)
        {
            buffer.putByte(i, (byte)state);
            state >>>= 8;
        }
    }

    static boolean isLongKeyBlob(final int blob)
    {
        return 0 == (blob & 1);
    }

    static long blobLongKey(final int blob)
    {
        return BLOB_LONG_KEY_BASE + blob;
    }

    /**
     * A byte key: ASCII "b" and seven digits.
     */
    private UnsafeBuffer blobByteKey(final int blob)
    {
        key.putByte(0, (byte)'b');
        int n = blob;
        for (int i = KEY_LENGTH - 1; i > 0; i--)
        {
            key.putByte(i, (byte)('0' + n % 10));
            n /= 10;
        }
        return key;
    }

    /**
     * Fund every account, in batches, then set the operation count to 0. Idempotent: a creation cut short by a crash
     * is simply done again, since no transfer happens before the count exists.
     */
    void create(final DurableStore store, final StoreBatch batch)
    {
        for (int first = 0; first < ACCOUNTS; first += 200)
        {
            batch.clear();
            for (int account = first; account < Math.min(ACCOUNTS, first + 200); account++)
            {
                encodeAccount(account, INITIAL_BALANCE, 0);
                batch.put(account, value, 0, ACCOUNT_VALUE_LENGTH);
            }
            store.apply(batch, Durability.NONE);
        }
        value.putLong(0, 0);
        batch.clear().put(OPERATIONS_KEY, value, 0, 8);
        store.apply(batch, Durability.RECORDED);
    }

    /**
     * Apply operation {@code operation} (the state holds operation - 1 operations) as one batch.
     *
     * @return the log position of the operation.
     */
    long apply(final DurableStore store, final StoreBatch batch, final long operation, final Durability durability)
    {
        final int from = from(operation);
        final int to = to(operation);
        final long amount = amount(operation);
        batch.clear();
        encodeAccount(from, balanceOf(store, from) - amount, operation);
        batch.put(from, value, 0, ACCOUNT_VALUE_LENGTH);
        encodeAccount(to, balanceOf(store, to) + amount, operation);
        batch.put(to, value, 0, ACCOUNT_VALUE_LENGTH);
        value.putLong(0, operation);
        batch.put(OPERATIONS_KEY, value, 0, 8);
        final int count = generate(operation);
        for (int i = 0; i < count; i++)
        {
            final int blob = extraBlob[i];
            if (PUT == extraType[i])
            {
                final int length = extraLength[i];
                encodeBlob(value, operation, i, blob, length);
                if (isLongKeyBlob(blob))
                {
                    batch.put(blobLongKey(blob), value, 0, length);
                }
                else
                {
                    batch.put(blobByteKey(blob), 0, value, 0, length);
                }
                if (MAX_VALUE_LENGTH == length)
                {
                    valuesAtMax++;
                }
            }
            else if (isLongKeyBlob(blob))
            {
                batch.remove(blobLongKey(blob));
            }
            else
            {
                batch.remove(blobByteKey(blob), 0);
            }
        }
        final int length = ChangeMessageDescriptor.messageLength(batch.length());
        if (length > MTU_PAYLOAD)
        {
            batchesOverMtu++;
        }
        largestBatchLength = Math.max(largestBatchLength, length);
        largestBatchOperations = Math.max(largestBatchOperations, batch.operationCount());
        return store.apply(batch, durability);
    }

    private static long balanceOf(final DurableStore store, final int account)
    {
        return store.view(account).getLong(0);
    }

    static long operations(final DurableStore store)
    {
        final DirectBuffer view = store.view(OPERATIONS_KEY);
        return null == view ? -1 : view.getLong(0);
    }

    /**
     * Compare the store with the model after k operations and check every invariant.
     *
     * @return null if all hold, else the first that broke, prefixed with its kind ("hole" or "invariant").
     */
    String verify(final DurableStore store, final long k)
    {
        advanceTo(k);
        final int expectedSize = ACCOUNTS + 1 + blobsPresent;
        long total = 0;
        for (int account = 0; account < ACCOUNTS; account++)
        {
            final DirectBuffer view = store.view(account);
            if (null == view || ACCOUNT_VALUE_LENGTH != view.capacity())
            {
                return "invariant: account " + account + " missing or malformed";
            }
            final long storedBalance = view.getLong(0);
            final long storedVersion = view.getLong(8);
            if (view.getLong(16) != checksum(account, storedBalance, storedVersion))
            {
                return "invariant: account " + account + " checksum broken (torn or garbage value)";
            }
            if (storedVersion > k)
            {
                return "invariant: account " + account + " has version " + storedVersion + " > operations " + k;
            }
            if (storedBalance != balance[account] || storedVersion != version[account])
            {
                return "hole: account " + account + " balance=" + storedBalance + " version=" + storedVersion +
                    " but the model after " + k + " operations has balance=" + balance[account] + " version=" +
                    version[account];
            }
            total += storedBalance;
        }
        if (total != INITIAL_BALANCE * ACCOUNTS)
        {
            return "invariant: total balance " + total + " != " + INITIAL_BALANCE * ACCOUNTS;
        }
        for (int blob = 0; blob < BLOBS; blob++)
        {
            final String problem = verifyBlob(store, blob, k);
            if (null != problem)
            {
                return problem;
            }
        }
        if (store.size() != expectedSize)
        {
            return "invariant: store holds " + store.size() + " entries, the model after " + k + " operations " +
                expectedSize + " (" + blobsPresent + " blobs)";
        }
        return null;
    }

    private String verifyBlob(final DurableStore store, final int blob, final long k)
    {
        final DirectBuffer view = isLongKeyBlob(blob) ?
            store.view(blobLongKey(blob)) : store.storeView().view(blobByteKey(blob), 0);
        final String name = "blob " + blob + (isLongKeyBlob(blob) ? " (long key)" : " (byte key)");
        final int length = blobLength[blob];
        if (length < 0)
        {
            return null == view ? null : "hole: " + name + " present (" + view.capacity() + " bytes" +
                origin(view) + ") but the model after " + k + " operations has it removed or never written";
        }
        if (null == view)
        {
            return "hole: " + name + " missing but the model after " + k + " operations has " + length +
                " bytes from operation " + blobOperation[blob];
        }
        if (view.capacity() != length)
        {
            return "hole: " + name + " has " + view.capacity() + " bytes" + origin(view) + ", the model after " + k +
                " operations " + length + " bytes from operation " + blobOperation[blob];
        }
        encodeBlob(expected, blobOperation[blob], blobIndex[blob], blob, length);
        for (int i = 0; i < length; i++)
        {
            if (view.getByte(i) != expected.getByte(i))
            {
                return "hole: " + name + " differs at byte " + i + " of " + length + origin(view) + " from the " +
                    "model's value from operation " + blobOperation[blob] + " (after " + k + " operations)";
            }
        }
        return null;
    }

    private static String origin(final DirectBuffer view)
    {
        return view.capacity() >= 16 ? ", stamped operation " + view.getLong(0, ByteOrder.LITTLE_ENDIAN) +
            " length " + view.getInt(12, ByteOrder.LITTLE_ENDIAN) : "";
    }

    /**
     * A digest of the whole state (every key and every value byte), to show that idle restarts change nothing.
     */
    static long digest(final DurableStore store)
    {
        final long[] digest = new long[1];
        store.forEachLong((key, view) ->
        {
            long h = mix(key ^ view.capacity());
            int i = 0;
            for (; i + 8 <= view.capacity(); i += 8)
            {
                h = mix(h ^ view.getLong(i));
            }
            for (; i < view.capacity(); i++)
            {
                h = mix(h ^ view.getByte(i));
            }
            digest[0] += h;
        });
        return digest[0];
    }
}
