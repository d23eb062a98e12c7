/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;

/**
 * Receives the entries of a store with long keys during {@link StateStore#forEachLong(LongEntryConsumer)}.
 */
@FunctionalInterface
public interface LongEntryConsumer
{
    /**
     * One entry. The value is a view into the live region, valid only during this call: copy what you keep.
     *
     * @param key   the key.
     * @param value the value, {@code value.capacity()} bytes.
     */
    void accept(long key, DirectBuffer value);
}
