/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.MutableDirectBuffer;
import org.agrona.DirectBuffer;

import static dev.tidemark.store.StoreHeaderDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One slot's commit record, as held in memory (see {@link StoreHeaderDescriptor}).
 */
final class SlotRecord
{
    long checkpointId;
    long position;
    long sequence;
    long entryCount;
    int pageTableCrc;
    int pageCount;
    long recordingId;
    int initialTermId;
    int termLength;
    int mtuLength;

    boolean isCommitted()
    {
        return checkpointId > 0;
    }

    void set(final SlotRecord other)
    {
        checkpointId = other.checkpointId;
        position = other.position;
        sequence = other.sequence;
        entryCount = other.entryCount;
        pageTableCrc = other.pageTableCrc;
        pageCount = other.pageCount;
        recordingId = other.recordingId;
        initialTermId = other.initialTermId;
        termLength = other.termLength;
        mtuLength = other.mtuLength;
    }

    void read(final DirectBuffer buffer, final int offset)
    {
        checkpointId = buffer.getLong(offset + CHECKPOINT_ID_FIELD_OFFSET, LITTLE_ENDIAN);
        position = buffer.getLong(offset + LOG_POSITION_FIELD_OFFSET, LITTLE_ENDIAN);
        sequence = buffer.getLong(offset + SEQUENCE_FIELD_OFFSET, LITTLE_ENDIAN);
        entryCount = buffer.getLong(offset + ENTRY_COUNT_FIELD_OFFSET, LITTLE_ENDIAN);
        pageTableCrc = buffer.getInt(offset + PAGE_TABLE_CRC_FIELD_OFFSET, LITTLE_ENDIAN);
        pageCount = buffer.getInt(offset + PAGE_COUNT_FIELD_OFFSET, LITTLE_ENDIAN);
        recordingId = buffer.getLong(offset + LOG_RECORDING_ID_FIELD_OFFSET, LITTLE_ENDIAN);
        initialTermId = buffer.getInt(offset + LOG_INITIAL_TERM_ID_FIELD_OFFSET, LITTLE_ENDIAN);
        termLength = buffer.getInt(offset + LOG_TERM_LENGTH_FIELD_OFFSET, LITTLE_ENDIAN);
        mtuLength = buffer.getInt(offset + LOG_MTU_LENGTH_FIELD_OFFSET, LITTLE_ENDIAN);
    }

    void write(final MutableDirectBuffer buffer, final int offset)
    {
        buffer.setMemory(offset, SLOT_RECORD_LENGTH, (byte)0);
        buffer.putLong(offset + CHECKPOINT_ID_FIELD_OFFSET, checkpointId, LITTLE_ENDIAN);
        buffer.putLong(offset + LOG_POSITION_FIELD_OFFSET, position, LITTLE_ENDIAN);
        buffer.putLong(offset + SEQUENCE_FIELD_OFFSET, sequence, LITTLE_ENDIAN);
        buffer.putLong(offset + ENTRY_COUNT_FIELD_OFFSET, entryCount, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_TABLE_CRC_FIELD_OFFSET, pageTableCrc, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_COUNT_FIELD_OFFSET, pageCount, LITTLE_ENDIAN);
        buffer.putLong(offset + LOG_RECORDING_ID_FIELD_OFFSET, recordingId, LITTLE_ENDIAN);
        buffer.putInt(offset + LOG_INITIAL_TERM_ID_FIELD_OFFSET, initialTermId, LITTLE_ENDIAN);
        buffer.putInt(offset + LOG_TERM_LENGTH_FIELD_OFFSET, termLength, LITTLE_ENDIAN);
        buffer.putInt(offset + LOG_MTU_LENGTH_FIELD_OFFSET, mtuLength, LITTLE_ENDIAN);
    }

    public String toString()
    {
        return "checkpointId=" + checkpointId + " position=" + position + " sequence=" + sequence +
            " entryCount=" + entryCount + " pageTableCrc=0x" + Integer.toHexString(pageTableCrc) +
            " pageCount=" + pageCount + " recordingId=" + recordingId + " initialTermId=" + initialTermId +
            " termLength=" + termLength + " mtuLength=" + mtuLength;
    }
}
