/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.agrona.DirectBuffer;
import org.lmdbjava.Txn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Peer: LMDB through lmdbjava, the durable memory-mapped B-tree, on the same random keys and value lengths, here
 * without sync and writing in the map ({@code MDB_NOSYNC | MDB_WRITEMAP}, LMDB's fastest setting: a commit reaches
 * the page cache only, like Tidemark's store alone);
 * {@link LmdbSyncedBenchmark} is the synced one. A get reuses one read transaction (reset and renew, the lmdbjava way
 * to read without allocating) and copies the value out; a put is one write transaction.
 */
public class LmdbBenchmark extends LmdbSupport
{
    @Param({ "1000000" })
    int entries;

    @Param({ "32", "64", "288" })
    int valueLength;

    @Override
    int entries()
    {
        return entries;
    }

    @Override
    int valueLength()
    {
        return valueLength;
    }

    @Override
    boolean synced()
    {
        return false;
    }

    @Benchmark
    public int get()
    {
        readTxn.renew();
        try
        {
            final DirectBuffer found = db.get(readTxn, nextKey());
            out.putBytes(0, found, 0, valueLength);
            return found.capacity();
        }
        finally
        {
            readTxn.reset();
        }
    }

    @Benchmark
    public void put()
    {
        putOne(nextKey());
    }

    @Benchmark
    public void removeAndReinsert()
    {
        final DirectBuffer k = nextKey();
        try (Txn<DirectBuffer> txn = env.txnWrite())
        {
            db.delete(txn, k);
            txn.commit();
        }
        putOne(k);
    }
}
