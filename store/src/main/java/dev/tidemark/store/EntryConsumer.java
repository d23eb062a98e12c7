/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;

/**
 * Receives the entries of a store during {@link StateStore#forEach(EntryConsumer)}.
 */
@FunctionalInterface
public interface EntryConsumer
{
    /**
     * One entry. Both buffers are views into the live region, valid only during this call: copy what you keep.
     *
     * @param key   the key, {@code key.capacity()} bytes.
     * @param value the value, {@code value.capacity()} bytes.
     */
    void accept(DirectBuffer key, DirectBuffer value);
}
