/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import static org.agrona.BitUtil.SIZE_OF_INT;

/**
 * Layout of a slot's page CRC table: one little-endian CRC32C per page of the slot's image, in page order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    CRC32C of image page 0                     |  0
 *  +---------------------------------------------------------------+
 *  |                    CRC32C of image page 1                     |  4
 *  +---------------------------------------------------------------+
 *  |                             ...                               |
 *  +---------------------------------------------------------------+
 *  |              CRC32C of image page (page count - 1)            |  4 * (page count - 1)
 *  +---------------------------------------------------------------+
 * </pre>
 * The CRC32C of the whole table, {@code [0, 4 * page count)}, is the "page table CRC" of the slot's header record,
 * which binds the record to exactly this table and so to exactly this image.
 */
public final class PageCrcTableDescriptor
{
    /**
     * Length of one entry.
     */
    public static final int ENTRY_LENGTH = SIZE_OF_INT;

    private PageCrcTableDescriptor()
    {
    }

    /**
     * Offset of a page's CRC in the table.
     *
     * @param page index of the page in the image.
     * @return offset of its CRC in the table.
     */
    public static int crcOffset(final int page)
    {
        return page * ENTRY_LENGTH;
    }

    /**
     * Length of the table, unpadded.
     *
     * @param pageCount pages in the image.
     * @return length in bytes.
     */
    public static int tableLength(final int pageCount)
    {
        return pageCount * ENTRY_LENGTH;
    }
}
