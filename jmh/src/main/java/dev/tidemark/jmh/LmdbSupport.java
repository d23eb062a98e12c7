/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.DirectBufferProxy;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.nio.ByteBuffer;

/**
 * What the LMDB peers share: an lmdbjava environment with Agrona buffers (no copies into heap arrays) and integer
 * keys, filled with the same entries as Tidemark's benchmarks, and one write transaction per put.
 */
abstract class LmdbSupport extends BenchmarkDefaults
{
    File dir;
    Env<DirectBuffer> env;
    Dbi<DirectBuffer> db;
    UnsafeBuffer key;
    UnsafeBuffer value;
    UnsafeBuffer out;
    long[] keys;
    int index;
    Txn<DirectBuffer> readTxn;

    abstract int entries();

    abstract int valueLength();

    /**
     * @return whether each commit is forced to disk (LMDB's default) or not ({@code MDB_NOSYNC}).
     */
    abstract boolean synced();

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        final int entries = entries();
        final int valueLength = valueLength();
        dir = BenchmarkSupport.newDirectory("lmdb-bench");
        final long mapSize = Math.max(1L << 30, 3L * entries * (valueLength + 64));
        final Env.Builder<DirectBuffer> builder =
            Env.create(DirectBufferProxy.PROXY_DB).setMapSize(mapSize).setMaxDbs(1);
        env = synced() ? builder.open(dir) : builder.open(dir, EnvFlags.MDB_NOSYNC, EnvFlags.MDB_WRITEMAP);
        db = env.openDbi("peer", DbiFlags.MDB_CREATE, DbiFlags.MDB_INTEGERKEY);
        key = new UnsafeBuffer(ByteBuffer.allocateDirect(Long.BYTES));
        value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        out = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
        try (Txn<DirectBuffer> txn = env.txnWrite())
        {
            for (long k = 0; k < entries; k++)
            {
                key.putLong(0, k); // native order, as MDB_INTEGERKEY wants
                value.putLong(0, k);
                db.put(txn, key, value, PutFlags.MDB_APPEND);
            }
            txn.commit();
        }
        env.sync(true);
        readTxn = env.txnRead();
        readTxn.reset();
        keys = BenchmarkSupport.randomKeys(entries, 42);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        readTxn.close();
        db.close();
        env.close();
        BenchmarkSupport.delete(dir);
    }

    DirectBuffer nextKey()
    {
        key.putLong(0, keys[index++ & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)]);
        return key;
    }

    void putOne(final DirectBuffer k)
    {
        try (Txn<DirectBuffer> txn = env.txnWrite())
        {
            db.put(txn, k, value);
            txn.commit();
        }
    }
}
