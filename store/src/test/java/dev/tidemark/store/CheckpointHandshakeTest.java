/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake's hot fields, each written by one side while the other reads it, lie apart: no two within 128 bytes
 * (two cache lines, for the adjacent-line prefetcher), and none within 128 bytes of any other field, so that a
 * field layout change that packs them together again fails here rather than in a latency percentile.
 */
class CheckpointHandshakeTest
{
    private static final String[] HOT_FIELDS =
    {
        "copierPage", "preImageHead", "preImageTail", "remaining", "driver", "writerCopies", "scanWord"
    };
    private static final long SPAN = 128;

    @Test
    void shouldKeepEachHotFieldOnItsOwnSpan()
    {
        for (final String hot : HOT_FIELDS)
        {
            final long hotOffset = UnsafeApi.objectFieldOffset(CheckpointHandshake.class, hot);
            for (final Field field : CheckpointHandshake.class.getDeclaredFields())
            {
                if (Modifier.isStatic(field.getModifiers()) || isPadding(field) || field.getName().equals(hot) ||
                    isSameSpan(hot, field.getName()))
                {
                    continue;
                }
                final long offset = UnsafeApi.objectFieldOffset(field);
                assertTrue(Math.abs(offset - hotOffset) >= SPAN, hot + " at offset " + hotOffset + " is within " +
                    SPAN + " bytes of " + field.getName() + " at offset " + offset);
            }
        }
    }

    @Test
    void shouldPadTheFirstHotFieldFromTheObjectHeader()
    {
        final long first = UnsafeApi.objectFieldOffset(CheckpointHandshake.class, HOT_FIELDS[0]);
        assertTrue(first >= SPAN, "copierPage at offset " + first + " shares a span with the object header");
    }

    private static boolean isPadding(final Field field)
    {
        return field.getName().matches("p\\d{3}");
    }

    private static boolean isSameSpan(final String hot, final String other)
    {
        // The writer's two counters are its own, written together.
        return ("writerCopies".equals(hot) && "writerSlotCopies".equals(other)) ||
            ("writerSlotCopies".equals(hot) && "writerCopies".equals(other));
    }
}
