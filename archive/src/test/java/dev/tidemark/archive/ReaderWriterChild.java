/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

/**
 * The writer of {@link ProcessReaderCrashTest}, in a child JVM killed with SIGKILL: a durable store at RECORDED
 * putting values of random lengths that carry their key, their version and a CRC, to random keys, and removing
 * some. Per key it keeps in a memory-mapped report file (which a SIGKILL cannot lose a store to) the version it
 * is about to write (the intent) and the last one acknowledged, a version being the store's sequence for the
 * change, so that after a kill the recovered state can be checked key by key.
 * <p>
 * Arguments: store directory, mode ({@code write}: write until killed; {@code hold}: open, write nothing, wait to
 * be killed), seed.
 */
public final class ReaderWriterChild
{
    static final int KEYS = 2000;
    static final int MIN_VALUE = 24;
    static final int MAX_VALUE = 200;
    static final long REMOVED = 1L << 62;

    private ReaderWriterChild()
    {
    }

    static DurableStoreContext context(final File dir)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(MAX_VALUE).capacity(4096)).durability(Durability.RECORDED).checkpointLogBytes(512 * 1024)
            .errorHandler(Throwable::printStackTrace);
    }

    static File reportFile(final File dir)
    {
        return new File(dir.getPath() + ".readers-report");
    }

    /**
     * Fill a value: key, version, a pattern, and the CRC32 of all that in the last four bytes.
     */
    static void fill(final MutableDirectBuffer value, final long key, final long version, final int length)
    {
        value.putLong(0, key);
        value.putLong(8, version);
        for (int i = 16; i < length - 4; i++)
        {
            value.putByte(i, (byte)(key * 31 + version * 17 + i));
        }
        value.putInt(length - 4, crc(value, length - 4));
    }

    /**
     * @return null if the value is one {@link #fill} made for this key, else what is wrong with it.
     */
    static String check(final DirectBuffer value, final int length, final long key)
    {
        if (length < MIN_VALUE || length > MAX_VALUE)
        {
            return "length " + length;
        }
        if (value.getLong(0) != key)
        {
            return "key " + value.getLong(0) + " in the value of key " + key;
        }
        if (value.getInt(length - 4) != crc(value, length - 4))
        {
            return "CRC mismatch (version " + value.getLong(8) + ", length " + length + ")";
        }
        return null;
    }

    private static int crc(final DirectBuffer buffer, final int length)
    {
        final CRC32 crc = new CRC32();
        for (int i = 0; i < length; i++)
        {
            crc.update(buffer.getByte(i));
        }
        return (int)crc.getValue();
    }

    /**
     * @param args store directory, mode, seed.
     */
    public static void main(final String[] args)
    {
        final File dir = new File(args[0]);
        final boolean write = "write".equals(args[1]);
        final Random random = new Random(Long.parseLong(args[2]));
        final File reportFile = reportFile(dir);
        final UnsafeBuffer report = new UnsafeBuffer(reportFile.exists() ?
            IoUtil.mapExistingFile(reportFile, "report") : IoUtil.mapNewFile(reportFile, 16L * KEYS));
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_VALUE));
        try (DurableStore store = DurableStore.open(context(dir)))
        {
            System.out.println("OPEN size=" + store.size() + " replayed=" + store.recovery().replayedMessages());
            System.out.flush();
            while (!write)
            {
                store.poll();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            while (true)
            {
                final long key = random.nextInt(KEYS);
                final long version = store.sequence() + 1;
                final boolean remove = random.nextInt(10) == 0;
                report.putLongVolatile((int)(16 * key), remove ? version | REMOVED : version);
                if (remove)
                {
                    store.remove(key, Durability.RECORDED);
                }
                else
                {
                    final int length = MIN_VALUE + random.nextInt(MAX_VALUE - MIN_VALUE + 1);
                    fill(value, key, version, length);
                    store.put(key, value, 0, length, Durability.RECORDED);
                }
                report.putLongVolatile((int)(16 * key + 8), remove ? version | REMOVED : version);
                if (0 == (version & 255))
                {
                    store.poll();
                }
            }
        }
    }
}
