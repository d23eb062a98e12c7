/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import static dev.tidemark.store.StoreHeaderDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Reads and commits the two-copy store header (see {@link StoreHeaderDescriptor}). After open, only the
 * checkpointer thread commits.
 */
final class HeaderFile implements AutoCloseable
{
    private final File file;
    private final ReopeningChannel channel;
    private final ByteBuffer byteBuffer = ByteBuffer.allocateDirect(HEADER_FILE_LENGTH).order(LITTLE_ENDIAN);
    private final UnsafeBuffer buffer = new UnsafeBuffer(byteBuffer);
    private final ByteBuffer copyView = byteBuffer.duplicate();
    private final CRC32C crc = new CRC32C();
    private final SlotRecord[] records = { new SlotRecord(), new SlotRecord() };
    private final String[] copyProblems = new String[2];
    private StoreGeometry geometry;
    private long generation;

    private HeaderFile(final File file, final ReopeningChannel channel)
    {
        this.file = file;
        this.channel = channel;
    }

    /**
     * A header held in memory only, both copies encoded: to write as a new file, and to give its copy to the slots.
     */
    static HeaderFile image(
        final File file, final StoreGeometry geometry, final long generation, final SlotRecord a, final SlotRecord b)
    {
        final HeaderFile header = new HeaderFile(file, null);
        header.geometry = geometry;
        header.generation = generation;
        header.records[0].set(a);
        header.records[1].set(b);
        header.buffer.setMemory(0, HEADER_FILE_LENGTH, (byte)0);
        header.encode(COPY_0_OFFSET);
        header.encode(COPY_1_OFFSET);
        return header;
    }

    /**
     * Decode a header copy kept outside the header file (a slot file's, see {@link SlotDescriptor}).
     *
     * @return the header it describes, in memory only; or null, with {@code problem[0]} saying why.
     */
    static HeaderFile decodeCopy(final File source, final ByteBuffer copy, final String[] problem)
    {
        final HeaderFile header = new HeaderFile(source, null);
        header.buffer.setMemory(0, HEADER_FILE_LENGTH, (byte)0);
        header.buffer.putBytes(COPY_0_OFFSET, copy, copy.position(), Math.min(copy.remaining(), COPY_LENGTH));
        problem[0] = copy.remaining() < COPY_LENGTH ? "truncated" : header.validate(COPY_0_OFFSET);
        if (null != problem[0])
        {
            return null;
        }
        header.geometry = header.decodeGeometry(COPY_0_OFFSET);
        header.generation = header.buffer.getLong(COPY_0_OFFSET + GENERATION_OFFSET, LITTLE_ENDIAN);
        header.records[0].read(header.buffer, COPY_0_OFFSET + slotRecordOffset(0));
        header.records[1].read(header.buffer, COPY_0_OFFSET + slotRecordOffset(1));
        return header;
    }

    /**
     * Write this header's encoded copies to a new file and force it. The caller renames it into place.
     */
    void writeNewFile(final File target) throws IOException
    {
        try (FileChannel newChannel = FileChannel.open(
            target.toPath(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer all = byteBuffer.duplicate();
            all.clear();
            while (all.hasRemaining())
            {
                newChannel.write(all, all.position());
            }
            newChannel.force(true);
        }
    }

    /**
     * Open and validate an existing header file.
     *
     * @throws TidemarkException if neither copy is valid, naming why.
     */
    static HeaderFile open(final File file)
    {
        ReopeningChannel channel = null;
        try
        {
            channel = new ReopeningChannel(file.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
            final HeaderFile header = new HeaderFile(file, channel);
            header.load();
            return header;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            throw new TidemarkException(
                TidemarkException.Category.ERROR, "cannot read store header: file=" + file, ex);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            throw ex;
        }
    }

    StoreGeometry geometry()
    {
        return geometry;
    }

    SlotRecord record(final int slot)
    {
        return records[slot];
    }

    long generation()
    {
        return generation;
    }

    /**
     * Why a copy was rejected on open, or null if it was valid.
     */
    String copyProblem(final int copy)
    {
        return copyProblems[copy];
    }

    File file()
    {
        return file;
    }

    /**
     * First half of a commit: take a slot's record and the next generation, in memory, and encode the copy that
     * {@link #preparedCopy()} gives the slot to keep (see {@link SlotDescriptor}). Checkpointer thread only.
     */
    void prepareCommit(final int slot, final SlotRecord record)
    {
        records[slot].set(record);
        generation++;
        encode(COPY_0_OFFSET);
    }

    /**
     * The copy {@link #prepareCommit} encoded: a view of {@link StoreHeaderDescriptor#COPY_LENGTH} bytes, the same
     * view every call.
     */
    ByteBuffer preparedCopy()
    {
        copyView.limit(COPY_0_OFFSET + COPY_LENGTH).position(COPY_0_OFFSET);
        return copyView;
    }

    /**
     * Second half of a commit: copy 0 written and forced, then copy 1 written and forced.
     *
     * @throws IOException if a write or force fails; the caller must treat it as fatal.
     */
    void writeCommit() throws IOException
    {
        for (int copy = 0; copy < 2; copy++)
        {
            final int offset = copyOffset(copy);
            encode(offset);
            byteBuffer.limit(offset + COPY_LENGTH).position(offset);
            while (byteBuffer.hasRemaining())
            {
                channel.write(byteBuffer, byteBuffer.position());
            }
            if (0 == copy)
            {
                KillPoints.reach(KillPoints.CHECKPOINT_AFTER_HEADER_WRITE);
            }
            channel.force();
        }
        byteBuffer.clear();
    }

    public void close()
    {
        CloseHelper.quietClose(channel);
    }

    private void load() throws IOException
    {
        buffer.setMemory(0, HEADER_FILE_LENGTH, (byte)0);
        byteBuffer.clear();
        while (byteBuffer.hasRemaining())
        {
            if (channel.read(byteBuffer, byteBuffer.position()) < 0)
            {
                break;
            }
        }
        decode(channel.size());
    }

    /**
     * Open an existing header file for reading only, as a reader in another process does, and validate it.
     *
     * @throws TidemarkException if it cannot be read or neither copy is valid, naming why.
     */
    static HeaderFile readOnly(final File file)
    {
        try (FileChannel readChannel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            final HeaderFile header = new HeaderFile(file, null);
            header.buffer.setMemory(0, HEADER_FILE_LENGTH, (byte)0);
            header.byteBuffer.clear();
            while (header.byteBuffer.hasRemaining())
            {
                if (readChannel.read(header.byteBuffer, header.byteBuffer.position()) < 0)
                {
                    break;
                }
            }
            header.decode(readChannel.size());
            return header;
        }
        catch (final IOException ex)
        {
            throw new TidemarkException(TidemarkException.Category.ERROR, "cannot read store header: file=" + file, ex);
        }
    }

    private void decode(final long fileLength)
    {
        byteBuffer.clear();

        int best = -1;
        long bestGeneration = Long.MIN_VALUE;
        for (int copy = 0; copy < 2; copy++)
        {
            final int offset = copyOffset(copy);
            copyProblems[copy] = fileLength < offset + COPY_LENGTH ?
                "truncated: file length=" + fileLength : validate(offset);
            if (null == copyProblems[copy])
            {
                final long copyGeneration = buffer.getLong(offset + GENERATION_OFFSET, LITTLE_ENDIAN);
                if (copyGeneration > bestGeneration)
                {
                    best = copy;
                    bestGeneration = copyGeneration;
                }
            }
        }

        if (best < 0)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL, describeRejection(fileLength));
        }

        final int offset = copyOffset(best);
        geometry = decodeGeometry(offset);
        generation = bestGeneration;
        records[0].read(buffer, offset + slotRecordOffset(0));
        records[1].read(buffer, offset + slotRecordOffset(1));
    }

    private String describeRejection(final long fileLength)
    {
        final long magic0 = buffer.getLong(COPY_0_OFFSET + MAGIC_OFFSET, LITTLE_ENDIAN);
        final long magic1 = buffer.getLong(COPY_1_OFFSET + MAGIC_OFFSET, LITTLE_ENDIAN);
        if (MAGIC != magic0 && MAGIC != magic1)
        {
            return "not a Tidemark store header (foreign or empty file): file=" + file + " length=" + fileLength +
                " magic=0x" + Long.toHexString(magic0) + " expected=0x" + Long.toHexString(MAGIC);
        }
        for (int copy = 0; copy < 2; copy++)
        {
            final int offset = copyOffset(copy);
            final int version = buffer.getInt(offset + FORMAT_VERSION_OFFSET, LITTLE_ENDIAN);
            if (MAGIC == buffer.getLong(offset + MAGIC_OFFSET, LITTLE_ENDIAN) && FORMAT_VERSION != version &&
                crcOk(offset))
            {
                return "unsupported store format version: file=" + file + " found=" + version +
                    " supported=" + FORMAT_VERSION;
            }
        }
        return "store header corrupt, both copies invalid: file=" + file + " copy 0: " + copyProblems[0] +
            "; copy 1: " + copyProblems[1] + ". " + StoreTool.RESET_HINT;
    }

    private String validate(final int offset)
    {
        final long magic = buffer.getLong(offset + MAGIC_OFFSET, LITTLE_ENDIAN);
        if (MAGIC != magic)
        {
            return "bad magic 0x" + Long.toHexString(magic);
        }
        final int version = buffer.getInt(offset + FORMAT_VERSION_OFFSET, LITTLE_ENDIAN);
        if (FORMAT_VERSION != version)
        {
            return "unsupported format version " + version + ", supported " + FORMAT_VERSION;
        }
        if (!crcOk(offset))
        {
            return "CRC mismatch";
        }
        final StoreGeometry candidate = decodeGeometry(offset);
        final String inconsistency = candidate.inconsistency();
        if (null != inconsistency)
        {
            return "inconsistent geometry: " + inconsistency;
        }
        return null;
    }

    private boolean crcOk(final int offset)
    {
        return buffer.getInt(offset + CRC_OFFSET, LITTLE_ENDIAN) == computeCrc(offset);
    }

    private int computeCrc(final int offset)
    {
        crc.reset();
        byteBuffer.limit(offset + CRC_OFFSET).position(offset);
        crc.update(byteBuffer);
        byteBuffer.clear();
        return (int)crc.getValue();
    }

    private StoreGeometry decodeGeometry(final int offset)
    {
        return new StoreGeometry(
            buffer.getLong(offset + STORE_ID_OFFSET, LITTLE_ENDIAN),
            buffer.getInt(offset + KIND_OFFSET, LITTLE_ENDIAN),
            buffer.getInt(offset + PAGE_SIZE_OFFSET, LITTLE_ENDIAN),
            buffer.getInt(offset + KEY_LENGTH_OFFSET, LITTLE_ENDIAN),
            buffer.getInt(offset + MAX_VALUE_LENGTH_OFFSET, LITTLE_ENDIAN),
            buffer.getInt(offset + CAPACITY_OFFSET, LITTLE_ENDIAN),
            buffer.getInt(offset + ENTRY_LENGTH_OFFSET, LITTLE_ENDIAN),
            buffer.getInt(offset + BUCKET_COUNT_OFFSET, LITTLE_ENDIAN),
            buffer.getLong(offset + REGION_LENGTH_OFFSET, LITTLE_ENDIAN));
    }

    private void encode(final int offset)
    {
        buffer.setMemory(offset, COPY_LENGTH, (byte)0);
        buffer.putLong(offset + MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putInt(offset + FORMAT_VERSION_OFFSET, FORMAT_VERSION, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_SIZE_OFFSET, geometry.pageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + STORE_ID_OFFSET, geometry.storeId, LITTLE_ENDIAN);
        buffer.putInt(offset + KEY_LENGTH_OFFSET, geometry.keyLength, LITTLE_ENDIAN);
        buffer.putInt(offset + MAX_VALUE_LENGTH_OFFSET, geometry.maxValueLength, LITTLE_ENDIAN);
        buffer.putInt(offset + CAPACITY_OFFSET, geometry.capacity, LITTLE_ENDIAN);
        buffer.putInt(offset + ENTRY_LENGTH_OFFSET, geometry.entryLength, LITTLE_ENDIAN);
        buffer.putInt(offset + BUCKET_COUNT_OFFSET, geometry.bucketCount, LITTLE_ENDIAN);
        buffer.putInt(offset + KIND_OFFSET, geometry.kindCode, LITTLE_ENDIAN);
        buffer.putLong(offset + REGION_LENGTH_OFFSET, geometry.regionLength, LITTLE_ENDIAN);
        buffer.putLong(offset + GENERATION_OFFSET, generation, LITTLE_ENDIAN);
        records[0].write(buffer, offset + slotRecordOffset(0));
        records[1].write(buffer, offset + slotRecordOffset(1));
        buffer.putInt(offset + CRC_OFFSET, computeCrc(offset), LITTLE_ENDIAN);
    }
}
