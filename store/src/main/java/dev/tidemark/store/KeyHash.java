/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The 32-bit tag of a key (see {@link TableDescriptor}). Part of the format: a long key and the same eight bytes
 * given as a byte key hash alike, and a store reopened by another build must find its keys where it left them.
 */
final class KeyHash
{
    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long MULTIPLIER = 0xBF58476D1CE4E5B9L;

    private KeyHash()
    {
    }

    static int tag(final long key)
    {
        return finish(mix(SEED ^ Long.BYTES, key));
    }

    static int tag(final DirectBuffer key, final int offset, final int length)
    {
        long h = SEED ^ length;
        int i = 0;
        final int wordsEnd = length & ~7;
        for (; i < wordsEnd; i += 8)
        {
            h = mix(h, key.getLong(offset + i, ByteOrder.LITTLE_ENDIAN));
        }
        if (i < length)
        {
            long tail = 0;
            for (int shift = 0; i < length; i++, shift += 8)
            {
                tail |= (key.getByte(offset + i) & 0xFFL) << shift;
            }
            h = mix(h, tail);
        }
        return finish(h);
    }

    private static long mix(final long h, final long word)
    {
        long x = (h ^ word) * MULTIPLIER;
        x ^= x >>> 31;
        return x;
    }

    private static int finish(final long h)
    {
        long x = h;
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        x *= 0xC4CEB9FE1A85EC53L;
        x ^= x >>> 33;
        final int tag = (int)(x ^ (x >>> 32));
        return 0 == tag ? 1 : tag;
    }
}
