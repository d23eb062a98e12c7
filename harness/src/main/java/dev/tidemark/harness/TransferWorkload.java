/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.store.StoreBatch;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The crash harness's workload, generated from a seed so that the state after any k operations can be computed:
 * transfers between accounts. Operation i moves an amount from one account to another and records i as the count of
 * operations, as one atomic batch. Each account's value carries its balance, the index of the operation that last
 * changed it (its version) and a checksum of both, so a torn, stale or misplaced value shows.
 * <p>
 * Checks after a crash: the operation count k lies in [last acknowledged, last intended]; the state equals the model
 * after exactly k operations (no hole, no reordering, nothing twice); total balance is conserved; every checksum
 * holds; every version is at most k.
 */
final class TransferWorkload
{
    static final int ACCOUNTS = 1000;
    static final long INITIAL_BALANCE = 1_000_000L;
    static final long OPERATIONS_KEY = Long.MAX_VALUE;
    static final int VALUE_LENGTH = 24;

    private final long seed;
    private final long[] balance = new long[ACCOUNTS];
    private final long[] version = new long[ACCOUNTS];
    private long applied;
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));

    TransferWorkload(final long seed)
    {
        this.seed = seed;
        reset();
    }

    private void reset()
    {
        java.util.Arrays.fill(balance, INITIAL_BALANCE);
        java.util.Arrays.fill(version, 0);
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
        }
    }

    static long checksum(final int account, final long balance, final long version)
    {
        return mix(account * 0x100000001B3L ^ mix(balance) ^ (version * 0xC2B2AE3D27D4EB4FL));
    }

    private void encode(final int account, final long newBalance, final long newVersion)
    {
        value.putLong(0, newBalance);
        value.putLong(8, newVersion);
        value.putLong(16, checksum(account, newBalance, newVersion));
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
                encode(account, INITIAL_BALANCE, 0);
                batch.put(account, value, 0, VALUE_LENGTH);
            }
            store.apply(batch, Durability.NONE);
        }
        value.putLong(0, 0);
        batch.clear().put(OPERATIONS_KEY, value, 0, 8);
        store.apply(batch, Durability.RECORDED);
    }

    /**
     * Apply operation {@code operation} (the state holds operation - 1 operations) as one batch.
     */
    void apply(final DurableStore store, final StoreBatch batch, final long operation, final Durability durability)
    {
        final int from = from(operation);
        final int to = to(operation);
        final long amount = amount(operation);
        batch.clear();
        encode(from, balanceOf(store, from) - amount, operation);
        batch.put(from, value, 0, VALUE_LENGTH);
        encode(to, balanceOf(store, to) + amount, operation);
        batch.put(to, value, 0, VALUE_LENGTH);
        value.putLong(0, operation);
        batch.put(OPERATIONS_KEY, value, 0, 8);
        store.apply(batch, durability);
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
        if (store.size() != ACCOUNTS + 1)
        {
            return "invariant: store holds " + store.size() + " entries, expected " + (ACCOUNTS + 1);
        }
        long total = 0;
        for (int account = 0; account < ACCOUNTS; account++)
        {
            final DirectBuffer view = store.view(account);
            if (null == view || VALUE_LENGTH != view.capacity())
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
        return null;
    }

    /**
     * A digest of the state, to show that idle restarts change nothing.
     */
    static long digest(final DurableStore store)
    {
        final long[] digest = new long[1];
        store.forEachLong((key, view) ->
        {
            long h = key;
            for (int i = 0; i + 8 <= view.capacity(); i += 8)
            {
                h = mix(h ^ view.getLong(i));
            }
            digest[0] += h;
        });
        return digest[0];
    }
}
