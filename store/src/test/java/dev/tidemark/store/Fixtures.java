/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared pieces of the store tests: contexts, a model comparison, file digests.
 */
final class Fixtures
{
    static final List<Throwable> IGNORED = new ArrayList<>();

    private Fixtures()
    {
    }

    static StoreContext context(final File dir, final int capacity, final int maxValueLength)
    {
        return new StoreContext()
            .dir(dir)
            .keyLength(8)
            .maxValueLength(maxValueLength)
            .capacity(capacity)
            .errorHandler(IGNORED::add);
    }

    /**
     * A context whose live region stays in the store directory (as {@code live.dat}), for tests that look at the
     * directory's files.
     */
    static StoreContext contextInStoreDir(final File dir, final int capacity, final int maxValueLength)
    {
        return context(dir, capacity, maxValueLength).liveRegionDirectory(null);
    }

    static UnsafeBuffer value(final long key, final long version, final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(length, 1)));
        fill(buffer, key, version, length);
        return buffer;
    }

    static void fill(final UnsafeBuffer buffer, final long key, final long version, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)(key * 31 + version * 17 + i));
        }
    }

    static byte[] bytes(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * Assert that the store holds exactly the model: same size, every model entry present with its bytes, and
     * iteration visits exactly the model's keys.
     */
    static void assertStoreEquals(final Map<Long, byte[]> model, final StateStore store, final String context)
    {
        assertEquals(model.size(), store.size(), context + ": size");
        final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(store.maxValueLength() + 1));
        for (final Map.Entry<Long, byte[]> entry : model.entrySet())
        {
            final int length = store.get(entry.getKey(), destination, 0);
            assertEquals(entry.getValue().length, length, context + ": length of key " + entry.getKey());
            assertArrayEquals(entry.getValue(), bytes(destination, 0, length), context + ": key " + entry.getKey());
        }
        final Map<Long, byte[]> seen = new HashMap<>();
        store.forEachLong((key, value) -> seen.put(key, bytes(value, 0, value.capacity())));
        assertEquals(new TreeMap<>(model).keySet(), new TreeMap<>(seen).keySet(), context + ": keys by iteration");
    }

    /**
     * CRC32C of every file in the directory and the directories under it, by path, to prove a failed call wrote
     * nothing.
     */
    static Map<String, Long> digest(final File dir) throws IOException
    {
        final Map<String, Long> digest = new TreeMap<>();
        digest(dir, "", digest);
        return digest;
    }

    private static void digest(final File dir, final String prefix, final Map<String, Long> digest)
        throws IOException
    {
        final File[] files = dir.listFiles();
        assertTrue(null != files);
        for (final File file : files)
        {
            if (file.isDirectory())
            {
                digest.put(prefix + file.getName() + "/", 0L);
                digest(file, prefix + file.getName() + "/", digest);
                continue;
            }
            final CRC32C crc = new CRC32C();
            crc.update(Files.readAllBytes(file.toPath()));
            digest.put(prefix + file.getName(), crc.getValue());
        }
    }
}
