/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;
import static org.agrona.BitUtil.align;

/**
 * Layout of a snapshot slot file, {@code slot-a.dat} or {@code slot-b.dat}: a full image of the table region at some
 * checkpoint, the CRC32C of each of its pages, and a copy of the store header as this slot's last commit wrote it.
 * The file is written with real bytes at creation (never sparse, so a write through the mapping can never meet a
 * full disk) and keeps its length for the store's life.
 * <pre>
 *  +----------------------------------------------+ 0
 *  |  Slot file header (one page, below)          |
 *  +----------------------------------------------+ page size
 *  |  Image: region length bytes, page by page    |
 *  |  (same layout as the live region,            |
 *  |   see TableDescriptor)                       |
 *  +----------------------------------------------+ page size + region length
 *  |  Page CRC table (PageCrcTableDescriptor),    |
 *  |  padded to a whole page                      |
 *  +----------------------------------------------+ header copy offset
 *  |  Header copy: one copy of the store header   |
 *  |  (StoreHeaderDescriptor, COPY_LENGTH bytes), |
 *  |  zero padded to a whole page                 |
 *  +----------------------------------------------+ file length
 * </pre>
 * The header copy is written by each commit to this slot, before the slot is forced and the header committed: the
 * bytes the header's copies will hold once the commit is done (this slot's new record, the other slot's record as it
 * stands). It is never read on open; it lets {@code StoreTool restore-header} rebuild a lost {@code header.dat},
 * taking each slot's record from its own file (an attempt that never committed is still a complete, forced image that
 * the log was durable to). A torn copy fails its CRC; a stale one no longer matches its slot's image, which fails
 * verification like any record that does not describe it.
 * The slot file header, little-endian, written once at creation:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "TIDESLOT"                          |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Format Version                         |  8
 *  +---------------------------------------------------------------+
 *  |                 Slot Index (0: A, 1: B)                       | 12
 *  +---------------------------------------------------------------+
 *  |                          Store Id                             | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Region Length                         | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Page Size                            | 32
 *  +---------------------------------------------------------------+
 *  |                          Page Count                           | 36
 *  +---------------------------------------------------------------+
 *  |             Slot Header CRC32C of bytes [0, 40)               | 40
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class SlotDescriptor
{
    /**
     * "TIDESLOT" in ASCII, read as a little-endian long.
     */
    public static final long MAGIC = 0x544F4C5345444954L;

    /**
     * Offset of the magic number.
     */
    public static final int MAGIC_OFFSET = 0;

    /**
     * Offset of the format version.
     */
    public static final int FORMAT_VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the slot index, 0 for A and 1 for B.
     */
    public static final int SLOT_INDEX_OFFSET = FORMAT_VERSION_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the store id, which must match the header's.
     */
    public static final int STORE_ID_OFFSET = SLOT_INDEX_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the region length.
     */
    public static final int REGION_LENGTH_OFFSET = STORE_ID_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the page size.
     */
    public static final int PAGE_SIZE_OFFSET = REGION_LENGTH_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the page count.
     */
    public static final int PAGE_COUNT_OFFSET = PAGE_SIZE_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the CRC32C of the slot file header.
     */
    public static final int CRC_OFFSET = PAGE_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * Bytes of the slot file header covered by its CRC.
     */
    public static final int HEADER_LENGTH = CRC_OFFSET + SIZE_OF_INT;

    private SlotDescriptor()
    {
    }

    /**
     * File name of a slot.
     *
     * @param slot 0 for A, 1 for B.
     * @return the file name.
     */
    public static String fileName(final int slot)
    {
        return 0 == slot ? "slot-a.dat" : "slot-b.dat";
    }

    /**
     * Letter of a slot for messages.
     *
     * @param slot 0 for A, 1 for B.
     * @return "A" or "B".
     */
    public static String slotName(final int slot)
    {
        return 0 == slot ? "A" : "B";
    }

    /**
     * Offset of the image in the slot file.
     *
     * @param pageSize page size of the store.
     * @return offset of the image.
     */
    public static long imageOffset(final int pageSize)
    {
        return pageSize;
    }

    /**
     * Offset of the page CRC table in the slot file.
     *
     * @param pageSize     page size of the store.
     * @param regionLength length of the region, a multiple of the page size.
     * @return offset of the page CRC table.
     */
    public static long pageCrcTableOffset(final int pageSize, final long regionLength)
    {
        return imageOffset(pageSize) + regionLength;
    }

    /**
     * Offset of the header copy in the slot file: the page after the page CRC table.
     *
     * @param pageSize     page size of the store.
     * @param regionLength length of the region, a multiple of the page size.
     * @return offset of the header copy.
     */
    public static long headerCopyOffset(final int pageSize, final long regionLength)
    {
        final int pageCount = (int)(regionLength / pageSize);
        return pageCrcTableOffset(pageSize, regionLength) +
            align(PageCrcTableDescriptor.tableLength(pageCount), pageSize);
    }

    /**
     * Length of a slot file.
     *
     * @param pageSize     page size of the store.
     * @param regionLength length of the region, a multiple of the page size.
     * @return length of the file.
     */
    public static long fileLength(final int pageSize, final long regionLength)
    {
        return headerCopyOffset(pageSize, regionLength) + pageSize;
    }
}
