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
import java.util.SplittableRandom;

/**
 * A toy trading book kept in a {@link DurableStore}: cash per account and a position per account and instrument.
 * Each fill moves a quantity of an instrument from seller to buyer and its price times quantity of cash the other
 * way, together with the count of fills, as one atomic batch. So, whatever crashes: total cash never changes, every
 * instrument's positions sum to zero, and the fill count says how many fills the state holds.
 */
final class TradingBook
{
    static final long FILL_COUNT_KEY = Long.MAX_VALUE;
    static final long INITIAL_CASH = 1_000_000_000L;
    static final int INSTRUMENTS = 64;

    private final DurableStore store;
    private final int accounts;
    private final StoreBatch batch;
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(8));

    TradingBook(final DurableStore store, final int accounts)
    {
        this.store = store;
        this.accounts = accounts;
        this.batch = store.newBatch();
    }

    int accounts()
    {
        return accounts;
    }

    static int capacityFor(final int accounts)
    {
        return accounts * (INSTRUMENTS + 1) + 16;
    }

    static long cashKey(final int account)
    {
        return ((long)account << 8) | 0xFF;
    }

    static long positionKey(final int account, final int instrument)
    {
        return ((long)account << 8) | instrument;
    }

    /**
     * Fund every account, in batches, if the book is new.
     */
    void openAccounts()
    {
        if (store.contains(FILL_COUNT_KEY))
        {
            return;
        }
        for (int account = 0; account < accounts; account += 256)
        {
            batch.clear();
            final int end = Math.min(accounts, account + 256);
            value.putLong(0, INITIAL_CASH);
            for (int a = account; a < end; a++)
            {
                batch.put(cashKey(a), value, 0, 8);
            }
            store.apply(batch, Durability.NONE);
        }
        value.putLong(0, 0);
        batch.clear().put(FILL_COUNT_KEY, value, 0, 8);
        store.apply(batch, Durability.RECORDED);
    }

    /**
     * Apply one random fill as an atomic batch.
     *
     * @return the fill count after it.
     */
    long fill(final SplittableRandom random, final Durability durability)
    {
        final int buyer = random.nextInt(accounts);
        int seller = random.nextInt(accounts - 1);
        if (seller >= buyer)
        {
            seller++;
        }
        final int instrument = random.nextInt(INSTRUMENTS);
        final long quantity = 1 + random.nextInt(100);
        final long notional = quantity * (1 + random.nextInt(10_000));
        final long fills = read(FILL_COUNT_KEY) + 1;

        batch.clear();
        put(positionKey(buyer, instrument), read(positionKey(buyer, instrument)) + quantity);
        put(positionKey(seller, instrument), read(positionKey(seller, instrument)) - quantity);
        put(cashKey(buyer), read(cashKey(buyer)) - notional);
        put(cashKey(seller), read(cashKey(seller)) + notional);
        put(FILL_COUNT_KEY, fills);
        store.apply(batch, durability);
        return fills;
    }

    private long read(final long key)
    {
        final DirectBuffer view = store.view(key);
        return null == view ? 0 : view.getLong(0);
    }

    private void put(final long key, final long amount)
    {
        value.putLong(0, amount);
        batch.put(key, value, 0, 8);
    }

    /**
     * Check the invariants over the whole state.
     *
     * @return null if they hold, else which one broke.
     */
    static String verify(final DurableStore store, final int accounts)
    {
        final long[] cash = new long[1];
        final long[] positions = new long[INSTRUMENTS];
        final long[] entries = new long[1];
        store.forEachLong((key, view) ->
        {
            if (FILL_COUNT_KEY == key)
            {
                return;
            }
            entries[0]++;
            final int low = (int)(key & 0xFF);
            if (0xFF == low)
            {
                cash[0] += view.getLong(0);
            }
            else
            {
                positions[low] += view.getLong(0);
            }
        });
        if (cash[0] != INITIAL_CASH * accounts)
        {
            return "cash not conserved: total=" + cash[0] + " expected=" + INITIAL_CASH * accounts;
        }
        for (int instrument = 0; instrument < INSTRUMENTS; instrument++)
        {
            if (0 != positions[instrument])
            {
                return "positions of instrument " + instrument + " sum to " + positions[instrument];
            }
        }
        return null;
    }

    static long fills(final DurableStore store)
    {
        final DirectBuffer view = store.view(FILL_COUNT_KEY);
        return null == view ? 0 : view.getLong(0);
    }

    /**
     * A digest of the whole state, to compare two states.
     */
    static long digest(final DurableStore store)
    {
        final long[] digest = new long[1];
        store.forEachLong((key, view) -> digest[0] += (key * 0x9E3779B97F4A7C15L) ^ (view.getLong(0) * 31));
        return digest[0];
    }
}
