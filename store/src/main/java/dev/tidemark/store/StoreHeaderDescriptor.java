/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of the store header file, {@value #HEADER_FILE_NAME}: the store's geometry and, for each snapshot slot,
 * the record that commits it. The header is the commit record of a checkpoint: a slot is valid only once its record
 * is durable in the header and the slot's page CRCs agree with it.
 * <p>
 * The file holds two full copies of the header, at {@link #COPY_0_OFFSET} and {@link #COPY_1_OFFSET}, on separate
 * pages. A commit writes and forces copy 0, then writes and forces copy 1, so a torn write can spoil at most one
 * copy. On open the valid copy (magic, version and CRC check out) with the highest generation wins.
 * All fields are little-endian. Each copy:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic "TIDEMARK"                          |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Format Version                         |  8
 *  +---------------------------------------------------------------+
 *  |                          Page Size                            | 12
 *  +---------------------------------------------------------------+
 *  |                          Store Id                             | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Key Length                           | 24
 *  +---------------------------------------------------------------+
 *  |                       Max Value Length                        | 28
 *  +---------------------------------------------------------------+
 *  |                          Capacity                             | 32
 *  +---------------------------------------------------------------+
 *  |                         Entry Length                          | 36
 *  +---------------------------------------------------------------+
 *  |                         Bucket Count                          | 40
 *  +---------------------------------------------------------------+
 *  |             Store Kind (1: PLAIN, 2: DURABLE)                 | 44
 *  +---------------------------------------------------------------+
 *  |                         Region Length                         | 48
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       Header Generation                       | 56
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Slot Record A (64 bytes)                    ...  64
 *  +---------------------------------------------------------------+
 *  |                  Slot Record B (64 bytes)                    ... 128
 *  +---------------------------------------------------------------+
 *  |              Header CRC32C of bytes [0, 192)                  | 192
 *  +---------------------------------------------------------------+
 * </pre>
 * Each slot record:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |              Checkpoint Id (0: slot never committed)          |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Log Position the image matches                |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Sequence of the last mutation applied          | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Entry Count                          | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |            Page Table CRC32C (of the slot's page CRC table)   | 32
 *  +---------------------------------------------------------------+
 *  |                          Page Count                           | 36
 *  +---------------------------------------------------------------+
 *  |                       Log Recording Id                        | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Log Initial Term Id                      | 48
 *  +---------------------------------------------------------------+
 *  |                        Log Term Length                        | 52
 *  +---------------------------------------------------------------+
 *  |                        Log MTU Length                         | 56
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            | 60
 *  +---------------------------------------------------------------+
 * </pre>
 * Format version 2 added the store kind, in what version 1 left reserved; a version 1 store is refused, naming
 * both versions (reset it and replay its log, if any, into the new store).
 * <p>
 * The page table CRC binds the record to the slot's contents: a slot overwritten by a later checkpoint that never
 * committed no longer matches its old record, so it is never mistaken for the older image. The log fields identify
 * the change stream the positions belong to; the store keeps them for its user and never interprets them.
 */
public final class StoreHeaderDescriptor
{
    /**
     * Name of the header file in the store directory.
     */
    public static final String HEADER_FILE_NAME = "header.dat";

    /**
     * "TIDEMARK" in ASCII, read as a little-endian long.
     */
    public static final long MAGIC = 0x4B52414D45444954L;

    /**
     * Version of the on-disk format this code reads and writes (header, slots, table).
     */
    public static final int FORMAT_VERSION = 2;

    /**
     * Offset of the first header copy in the file.
     */
    public static final int COPY_0_OFFSET = 0;

    /**
     * Offset of the second header copy: a separate 4 KiB page so one torn write cannot reach both.
     */
    public static final int COPY_1_OFFSET = 4096;

    /**
     * Length of the header file.
     */
    public static final int HEADER_FILE_LENGTH = 8192;

    /**
     * Offset of the magic number in a copy.
     */
    public static final int MAGIC_OFFSET = 0;

    /**
     * Offset of the format version.
     */
    public static final int FORMAT_VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the page size of the region and the snapshot slots.
     */
    public static final int PAGE_SIZE_OFFSET = FORMAT_VERSION_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the random id given to the store at creation; slot files carry it too.
     */
    public static final int STORE_ID_OFFSET = PAGE_SIZE_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the fixed key length.
     */
    public static final int KEY_LENGTH_OFFSET = STORE_ID_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the maximum value length.
     */
    public static final int MAX_VALUE_LENGTH_OFFSET = KEY_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the capacity, the most entries the table accepts.
     */
    public static final int CAPACITY_OFFSET = MAX_VALUE_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the length of one table entry.
     */
    public static final int ENTRY_LENGTH_OFFSET = CAPACITY_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the number of buckets in the table, a power of two.
     */
    public static final int BUCKET_COUNT_OFFSET = ENTRY_LENGTH_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the store's kind, {@link StoreKind#code()}: what feeds it, so that the wrong opener is refused.
     */
    public static final int KIND_OFFSET = BUCKET_COUNT_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the length of the region (live region and each slot's image).
     */
    public static final int REGION_LENGTH_OFFSET = KIND_OFFSET + SIZE_OF_INT;

    /**
     * Offset of the header generation, incremented by every commit.
     */
    public static final int GENERATION_OFFSET = REGION_LENGTH_OFFSET + SIZE_OF_LONG;

    /**
     * Offset of the first slot record.
     */
    public static final int SLOT_RECORDS_OFFSET = GENERATION_OFFSET + SIZE_OF_LONG;

    /**
     * Length of one slot record.
     */
    public static final int SLOT_RECORD_LENGTH = 64;

    /**
     * Number of snapshot slots.
     */
    public static final int SLOT_COUNT = 2;

    /**
     * Offset of the CRC32C over every byte of the copy before it.
     */
    public static final int CRC_OFFSET = SLOT_RECORDS_OFFSET + SLOT_COUNT * SLOT_RECORD_LENGTH;

    /**
     * Length of one copy, padded.
     */
    public static final int COPY_LENGTH = 256;

    /**
     * Offset in a slot record of the checkpoint id; 0 means the slot was never committed.
     */
    public static final int CHECKPOINT_ID_FIELD_OFFSET = 0;

    /**
     * Offset in a slot record of the log position the image matches.
     */
    public static final int LOG_POSITION_FIELD_OFFSET = CHECKPOINT_ID_FIELD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset in a slot record of the sequence number of the last mutation in the image.
     */
    public static final int SEQUENCE_FIELD_OFFSET = LOG_POSITION_FIELD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset in a slot record of the number of entries in the image.
     */
    public static final int ENTRY_COUNT_FIELD_OFFSET = SEQUENCE_FIELD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset in a slot record of the CRC32C of the slot's page CRC table.
     */
    public static final int PAGE_TABLE_CRC_FIELD_OFFSET = ENTRY_COUNT_FIELD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset in a slot record of the page count.
     */
    public static final int PAGE_COUNT_FIELD_OFFSET = PAGE_TABLE_CRC_FIELD_OFFSET + SIZE_OF_INT;

    /**
     * Offset in a slot record of the log's recording id.
     */
    public static final int LOG_RECORDING_ID_FIELD_OFFSET = PAGE_COUNT_FIELD_OFFSET + SIZE_OF_INT;

    /**
     * Offset in a slot record of the log's initial term id.
     */
    public static final int LOG_INITIAL_TERM_ID_FIELD_OFFSET = LOG_RECORDING_ID_FIELD_OFFSET + SIZE_OF_LONG;

    /**
     * Offset in a slot record of the log's term length.
     */
    public static final int LOG_TERM_LENGTH_FIELD_OFFSET = LOG_INITIAL_TERM_ID_FIELD_OFFSET + SIZE_OF_INT;

    /**
     * Offset in a slot record of the log's MTU length.
     */
    public static final int LOG_MTU_LENGTH_FIELD_OFFSET = LOG_TERM_LENGTH_FIELD_OFFSET + SIZE_OF_INT;

    private StoreHeaderDescriptor()
    {
    }

    /**
     * Offset of a slot's record within a header copy.
     *
     * @param slot 0 for slot A, 1 for slot B.
     * @return offset of the record within the copy.
     */
    public static int slotRecordOffset(final int slot)
    {
        return SLOT_RECORDS_OFFSET + slot * SLOT_RECORD_LENGTH;
    }

    /**
     * Offset of a header copy within the file.
     *
     * @param copy 0 or 1.
     * @return offset of the copy within the file.
     */
    public static int copyOffset(final int copy)
    {
        return 0 == copy ? COPY_0_OFFSET : COPY_1_OFFSET;
    }
}
