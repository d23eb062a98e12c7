/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.store.PageCrcTableDescriptor;
import dev.tidemark.store.SlotDescriptor;
import dev.tidemark.store.StoreHeaderDescriptor;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static dev.tidemark.store.StoreHeaderDescriptor.*;

/**
 * What a stopped store's files hold, read by the harness itself from the documented format (src/docs/format.md)
 * and never through the store's code: the oracle of the corruption scenario must not share the store's bugs. It
 * tells which snapshot slots are valid (committed, right length and header, page CRC table matching the record, every
 * page matching its CRC), so the scenario can say what an open must do after a given damage: restore the newest
 * valid slot, fall back to the older one, or refuse because nothing valid remains. And it lists the archive's
 * segments and frames with their log positions.
 */
final class StoreInspection
{
    /**
     * A slot as the header's newest valid copy records it and as its file verifies.
     */
    static final class Slot
    {
        final int index;
        long checkpointId;
        long position;
        long sequence;
        int pageTableCrc;
        int pageCount;
        String problem;

        Slot(final int index)
        {
            this.index = index;
        }

        boolean valid()
        {
            return null == problem;
        }

        String name()
        {
            return SlotDescriptor.slotName(index);
        }
    }

    final File dir;
    final String headerProblem;
    final int validCopies;
    final Slot[] slots = { new Slot(0), new Slot(1) };
    int pageSize;
    long regionLength;
    long storeId;

    private StoreInspection(final File dir, final String headerProblem, final int validCopies)
    {
        this.dir = dir;
        this.headerProblem = headerProblem;
        this.validCopies = validCopies;
    }

    static StoreInspection of(final File dir) throws IOException
    {
        final File headerFile = new File(dir, HEADER_FILE_NAME);
        if (!headerFile.isFile())
        {
            return new StoreInspection(dir, "header.dat missing", 0);
        }
        final ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(headerFile.toPath()))
            .order(ByteOrder.LITTLE_ENDIAN);
        int best = -1;
        long bestGeneration = Long.MIN_VALUE;
        int valid = 0;
        for (int copy = 0; copy < 2; copy++)
        {
            final int offset = copyOffset(copy);
            if (copyValid(header, offset))
            {
                valid++;
                final long generation = header.getLong(offset + GENERATION_OFFSET);
                if (generation > bestGeneration)
                {
                    best = copy;
                    bestGeneration = generation;
                }
            }
        }
        if (best < 0)
        {
            return new StoreInspection(dir, "both header copies invalid", 0);
        }
        final StoreInspection inspection = new StoreInspection(dir, null, valid);
        final int offset = copyOffset(best);
        inspection.pageSize = header.getInt(offset + PAGE_SIZE_OFFSET);
        inspection.regionLength = header.getLong(offset + REGION_LENGTH_OFFSET);
        inspection.storeId = header.getLong(offset + STORE_ID_OFFSET);
        for (final Slot slot : inspection.slots)
        {
            final int at = offset + slotRecordOffset(slot.index);
            slot.checkpointId = header.getLong(at + CHECKPOINT_ID_FIELD_OFFSET);
            slot.position = header.getLong(at + LOG_POSITION_FIELD_OFFSET);
            slot.sequence = header.getLong(at + SEQUENCE_FIELD_OFFSET);
            slot.pageTableCrc = header.getInt(at + PAGE_TABLE_CRC_FIELD_OFFSET);
            slot.pageCount = header.getInt(at + PAGE_COUNT_FIELD_OFFSET);
            slot.problem = inspection.verify(slot);
        }
        return inspection;
    }

    /**
     * The store id in header copy 0 when it starts with the magic number, unchecked otherwise, or 0 when there is no
     * such copy: enough to name the store's embedded driver directory, even in a header since damaged.
     */
    static long headerStoreId(final File dir) throws IOException
    {
        final File headerFile = new File(dir, HEADER_FILE_NAME);
        if (headerFile.length() >= COPY_LENGTH)
        {
            final ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(headerFile.toPath()))
                .order(ByteOrder.LITTLE_ENDIAN);
            if (MAGIC == header.getLong(MAGIC_OFFSET))
            {
                return header.getLong(STORE_ID_OFFSET);
            }
        }
        return 0;
    }

    private static boolean copyValid(final ByteBuffer header, final int offset)
    {
        if (header.capacity() < offset + COPY_LENGTH || MAGIC != header.getLong(offset + MAGIC_OFFSET) ||
            FORMAT_VERSION != header.getInt(offset + FORMAT_VERSION_OFFSET))
        {
            return false;
        }
        final CRC32C crc = new CRC32C();
        crc.update(header.array(), offset, CRC_OFFSET);
        return (int)crc.getValue() == header.getInt(offset + StoreHeaderDescriptor.CRC_OFFSET);
    }

    private String verify(final Slot slot) throws IOException
    {
        if (0 == slot.checkpointId)
        {
            return "never committed";
        }
        final File file = new File(dir, SlotDescriptor.fileName(slot.index));
        if (!file.isFile())
        {
            return "file missing";
        }
        if (file.length() != SlotDescriptor.fileLength(pageSize, regionLength))
        {
            return "wrong length " + file.length();
        }
        final byte[] bytes = Files.readAllBytes(file.toPath());
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SlotDescriptor.CRC_OFFSET);
        if (SlotDescriptor.MAGIC != buffer.getLong(SlotDescriptor.MAGIC_OFFSET) ||
            (int)crc.getValue() != buffer.getInt(SlotDescriptor.CRC_OFFSET) ||
            storeId != buffer.getLong(SlotDescriptor.STORE_ID_OFFSET) ||
            slot.index != buffer.getInt(SlotDescriptor.SLOT_INDEX_OFFSET))
        {
            return "slot file header damaged or foreign";
        }
        final int pageCount = (int)(regionLength / pageSize);
        final int tableOffset = (int)SlotDescriptor.pageCrcTableOffset(pageSize, regionLength);
        crc.reset();
        crc.update(bytes, tableOffset, PageCrcTableDescriptor.tableLength(pageCount));
        if ((int)crc.getValue() != slot.pageTableCrc)
        {
            return "page CRC table does not match the record (overwritten by an uncommitted checkpoint, or damaged)";
        }
        final int imageOffset = (int)SlotDescriptor.imageOffset(pageSize);
        for (int page = 0; page < pageCount; page++)
        {
            crc.reset();
            crc.update(bytes, imageOffset + page * pageSize, pageSize);
            if ((int)crc.getValue() != buffer.getInt(tableOffset + PageCrcTableDescriptor.crcOffset(page)))
            {
                return "page " + page + " CRC mismatch";
            }
        }
        return null;
    }

    /**
     * @return the slot with the higher checkpoint id (the one a commit last wrote), or null without a header.
     */
    Slot newest()
    {
        if (null != headerProblem)
        {
            return null;
        }
        return slots[1].checkpointId > slots[0].checkpointId ? slots[1] : slots[0];
    }

    Slot older()
    {
        final Slot newest = newest();
        return null == newest ? null : slots[1 - newest.index];
    }

    /**
     * @return the slot an open must restore from (the newest valid one), or null if none is valid.
     */
    Slot restorable()
    {
        final Slot newest = newest();
        if (null == newest)
        {
            return null;
        }
        if (newest.valid())
        {
            return newest;
        }
        return older().valid() ? older() : null;
    }

    String describe()
    {
        if (null != headerProblem)
        {
            return headerProblem;
        }
        final Slot newest = newest();
        final Slot older = older();
        return "newest " + newest.name() + " (checkpoint " + newest.checkpointId + ", position " + newest.position +
            ", " + (newest.valid() ? "valid" : newest.problem) + "), older " + older.name() + " (checkpoint " +
            older.checkpointId + ", position " + older.position + ", " + (older.valid() ? "valid" : older.problem) +
            ")";
    }

    // ---------------------------------------------------------------------------------------------- archive

    /**
     * The recording's segment files, in position order.
     */
    static List<File> segments(final File dir)
    {
        final File[] files = new File(dir, "archive").listFiles((d, name) -> name.endsWith(".rec"));
        final List<File> segments = new ArrayList<>();
        if (null != files)
        {
            segments.addAll(List.of(files));
        }
        segments.sort((a, b) -> Long.compare(basePosition(a), basePosition(b)));
        return segments;
    }

    static long basePosition(final File segment)
    {
        final String name = segment.getName();
        return Long.parseLong(name.substring(name.indexOf('-') + 1, name.indexOf('.')));
    }

    /**
     * A data frame of a segment: its offset in the file, its length, and whether it begins or ends a message.
     */
    static final class Frame
    {
        final long offset;
        final int length;
        final boolean begin;
        final boolean end;

        Frame(final long offset, final int length, final int flags)
        {
            this.offset = offset;
            this.length = length;
            this.begin = 0 != (flags & 0x80);
            this.end = 0 != (flags & 0x40);
        }
    }

    /**
     * The data frames of a segment, walking frame headers until a zero length.
     */
    static List<Frame> dataFrames(final File segment) throws IOException
    {
        final List<Frame> frames = new ArrayList<>();
        final byte[] bytes = Files.readAllBytes(segment.toPath());
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long offset = 0;
        while (offset + 32 <= bytes.length)
        {
            final int length = buffer.getInt((int)offset);
            final int flags = buffer.get((int)offset + 5) & 0xFF;
            final int type = buffer.getShort((int)offset + 6) & 0xFFFF;
            if (length <= 0)
            {
                break;
            }
            if (1 == type && length > 32)
            {
                frames.add(new Frame(offset, length, flags));
            }
            offset += (length + 31) & -32;
        }
        return frames;
    }
}
