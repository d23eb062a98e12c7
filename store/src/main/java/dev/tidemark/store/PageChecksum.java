/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C over a range of a direct buffer without allocating; one per thread.
 */
final class PageChecksum
{
    private final CRC32C crc = new CRC32C();

    int compute(final ByteBuffer view, final int offset, final int length)
    {
        view.clear();
        view.limit(offset + length).position(offset);
        crc.reset();
        crc.update(view);
        return (int)crc.getValue();
    }
}
