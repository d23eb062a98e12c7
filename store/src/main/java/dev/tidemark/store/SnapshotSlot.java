/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import static dev.tidemark.store.SlotDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One snapshot slot file, mapped: its image and its page CRC table (see {@link SlotDescriptor}).
 */
final class SnapshotSlot implements AutoCloseable
{
    private final int index;
    private final File file;
    private final StoreGeometry geometry;
    private final ReopeningChannel channel;
    private final MappedByteBuffer imageMapping;
    private final MappedByteBuffer crcMapping;
    private final UnsafeBuffer image;
    private final UnsafeBuffer crcTable;

    private SnapshotSlot(
        final int index,
        final File file,
        final StoreGeometry geometry,
        final ReopeningChannel channel,
        final MappedByteBuffer imageMapping,
        final MappedByteBuffer crcMapping)
    {
        this.index = index;
        this.file = file;
        this.geometry = geometry;
        this.channel = channel;
        this.imageMapping = imageMapping;
        this.crcMapping = crcMapping;
        this.image = new UnsafeBuffer(imageMapping);
        this.crcTable = new UnsafeBuffer(crcMapping);
    }

    /**
     * Write a new slot file of real bytes: its header, a zero image, and the CRC of a zero page for every page.
     */
    static void create(final File file, final int index, final StoreGeometry geometry) throws IOException
    {
        final int pageSize = geometry.pageSize;
        final ByteBuffer page = ByteBuffer.allocateDirect(pageSize).order(LITTLE_ENDIAN);
        final UnsafeBuffer pageBuffer = new UnsafeBuffer(page);
        final PageChecksum checksum = new PageChecksum();
        final int zeroPageCrc = checksum.compute(page, 0, pageSize);

        try (FileChannel channel = FileChannel.open(
            file.toPath(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            pageBuffer.putLong(MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
            pageBuffer.putInt(FORMAT_VERSION_OFFSET, StoreHeaderDescriptor.FORMAT_VERSION, LITTLE_ENDIAN);
            pageBuffer.putInt(SLOT_INDEX_OFFSET, index, LITTLE_ENDIAN);
            pageBuffer.putLong(STORE_ID_OFFSET, geometry.storeId, LITTLE_ENDIAN);
            pageBuffer.putLong(REGION_LENGTH_OFFSET, geometry.regionLength, LITTLE_ENDIAN);
            pageBuffer.putInt(PAGE_SIZE_OFFSET, pageSize, LITTLE_ENDIAN);
            pageBuffer.putInt(PAGE_COUNT_OFFSET, geometry.pageCount, LITTLE_ENDIAN);
            pageBuffer.putInt(CRC_OFFSET, checksum.compute(page, 0, CRC_OFFSET), LITTLE_ENDIAN);
            long position = writeFully(channel, page, 0);

            pageBuffer.setMemory(0, pageSize, (byte)0);
            position = StoreDirectory.writeZeros(channel, position, geometry.regionLength);

            final long crcTableLength = headerCopyOffset(pageSize, geometry.regionLength) - position;
            int crcsLeft = geometry.pageCount;
            for (long written = 0; written < crcTableLength; written += pageSize)
            {
                pageBuffer.setMemory(0, pageSize, (byte)0);
                final int crcsInPage = Math.min(crcsLeft, pageSize / PageCrcTableDescriptor.ENTRY_LENGTH);
                for (int i = 0; i < crcsInPage; i++)
                {
                    pageBuffer.putInt(PageCrcTableDescriptor.crcOffset(i), zeroPageCrc, LITTLE_ENDIAN);
                }
                crcsLeft -= crcsInPage;
                position = writeFully(channel, page, position);
            }
            pageBuffer.setMemory(0, pageSize, (byte)0);
            writeFully(channel, page, position);
            channel.force(true);
        }
    }

    /**
     * Map an existing slot file; returns null and sets {@code problem[0]} if its file is missing, has the wrong
     * length or a header that does not belong to this store.
     */
    static SnapshotSlot openOrExplain(
        final File file, final int index, final StoreGeometry geometry, final String[] problem)
    {
        if (!file.isFile())
        {
            problem[0] = "file missing: " + file;
            return null;
        }
        final long expectedLength = fileLength(geometry.pageSize, geometry.regionLength);
        if (file.length() != expectedLength)
        {
            problem[0] = "wrong file length: file=" + file + " length=" + file.length() + " expected=" +
                expectedLength;
            return null;
        }

        ReopeningChannel channel = null;
        MappedByteBuffer imageMapping = null;
        MappedByteBuffer crcMapping = null;
        try
        {
            channel = new ReopeningChannel(file.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE);
            final String headerProblem = checkHeader(channel.current(), index, geometry);
            if (null != headerProblem)
            {
                problem[0] = headerProblem + ": file=" + file;
                CloseHelper.quietClose(channel);
                return null;
            }
            imageMapping = channel.current().map(
                FileChannel.MapMode.READ_WRITE, imageOffset(geometry.pageSize), geometry.regionLength);
            crcMapping = channel.current().map(
                FileChannel.MapMode.READ_WRITE,
                pageCrcTableOffset(geometry.pageSize, geometry.regionLength),
                PageCrcTableDescriptor.tableLength(geometry.pageCount));
            return new SnapshotSlot(index, file, geometry, channel, imageMapping, crcMapping);
        }
        catch (final IOException ex)
        {
            IoUtil.unmap(imageMapping);
            IoUtil.unmap(crcMapping);
            CloseHelper.quietClose(channel);
            throw new TidemarkException(TidemarkException.Category.ERROR, "cannot map slot: file=" + file, ex);
        }
    }

    /**
     * Write a header copy into a closed slot file and force it: at creation, before the header exists.
     */
    static void writeHeaderCopy(final File file, final StoreGeometry geometry, final ByteBuffer copy)
        throws IOException
    {
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE))
        {
            writeRemaining(channel, copy, headerCopyOffset(geometry.pageSize, geometry.regionLength));
            channel.force(false);
        }
    }

    /**
     * Read the header copy a slot file keeps, finding it from the slot file header's own page size and region
     * length (for {@code StoreTool restore-header}, which has no store header to take them from).
     *
     * @return the copy's bytes, or null with {@code problem[0]} saying why.
     */
    static ByteBuffer readHeaderCopy(final File file, final int index, final String[] problem)
    {
        if (!file.isFile())
        {
            problem[0] = "file missing: " + file;
            return null;
        }
        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(LITTLE_ENDIAN);
            if (!readFully(channel, header, 0))
            {
                problem[0] = "slot header truncated: file=" + file;
                return null;
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(header);
            if (MAGIC != buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN) ||
                buffer.getInt(CRC_OFFSET, LITTLE_ENDIAN) != new PageChecksum().compute(header, 0, CRC_OFFSET) ||
                buffer.getInt(SLOT_INDEX_OFFSET, LITTLE_ENDIAN) != index)
            {
                problem[0] = "no valid slot file header (magic, CRC or slot index): file=" + file;
                return null;
            }
            final int pageSize = buffer.getInt(PAGE_SIZE_OFFSET, LITTLE_ENDIAN);
            final long regionLength = buffer.getLong(REGION_LENGTH_OFFSET, LITTLE_ENDIAN);
            if (pageSize < 512 || Integer.bitCount(pageSize) != 1 || regionLength <= 0 ||
                regionLength % pageSize != 0 || file.length() != fileLength(pageSize, regionLength))
            {
                problem[0] = "slot file length does not follow from its header: file=" + file + " length=" +
                    file.length() + " pageSize=" + pageSize + " regionLength=" + regionLength;
                return null;
            }
            final ByteBuffer copy = ByteBuffer.allocate(StoreHeaderDescriptor.COPY_LENGTH).order(LITTLE_ENDIAN);
            if (!readFully(channel, copy, headerCopyOffset(pageSize, regionLength)))
            {
                problem[0] = "header copy truncated: file=" + file;
                return null;
            }
            copy.flip();
            return copy;
        }
        catch (final IOException ex)
        {
            problem[0] = "cannot read " + file + ": " + ex;
            return null;
        }
    }

    private static boolean readFully(final FileChannel channel, final ByteBuffer into, final long position)
        throws IOException
    {
        long at = position;
        while (into.hasRemaining())
        {
            final int read = channel.read(into, at);
            if (read < 0)
            {
                return false;
            }
            at += read;
        }
        return true;
    }

    private static String checkHeader(final FileChannel channel, final int index, final StoreGeometry geometry)
        throws IOException
    {
        final ByteBuffer header = ByteBuffer.allocateDirect(HEADER_LENGTH).order(LITTLE_ENDIAN);
        while (header.hasRemaining())
        {
            if (channel.read(header, header.position()) < 0)
            {
                return "slot header truncated";
            }
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(header);
        final long magic = buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN);
        if (MAGIC != magic)
        {
            return "not a Tidemark slot file: magic=0x" + Long.toHexString(magic);
        }
        final int version = buffer.getInt(FORMAT_VERSION_OFFSET, LITTLE_ENDIAN);
        if (StoreHeaderDescriptor.FORMAT_VERSION != version)
        {
            return "unsupported slot format version: found=" + version + " supported=" +
                StoreHeaderDescriptor.FORMAT_VERSION;
        }
        if (buffer.getInt(CRC_OFFSET, LITTLE_ENDIAN) != new PageChecksum().compute(header, 0, CRC_OFFSET))
        {
            return "slot header CRC mismatch";
        }
        final long storeId = buffer.getLong(STORE_ID_OFFSET, LITTLE_ENDIAN);
        if (storeId != geometry.storeId)
        {
            return "slot belongs to another store: storeId=" + Long.toHexString(storeId) + " expected=" +
                Long.toHexString(geometry.storeId);
        }
        if (buffer.getInt(SLOT_INDEX_OFFSET, LITTLE_ENDIAN) != index ||
            buffer.getLong(REGION_LENGTH_OFFSET, LITTLE_ENDIAN) != geometry.regionLength ||
            buffer.getInt(PAGE_SIZE_OFFSET, LITTLE_ENDIAN) != geometry.pageSize ||
            buffer.getInt(PAGE_COUNT_OFFSET, LITTLE_ENDIAN) != geometry.pageCount)
        {
            return "slot header does not match the store header (index, region length, page size or page count)";
        }
        return null;
    }

    private static long writeFully(final FileChannel channel, final ByteBuffer page, final long position)
        throws IOException
    {
        page.clear();
        return writeRemaining(channel, page, position);
    }

    private static long writeRemaining(final FileChannel channel, final ByteBuffer bytes, final long position)
        throws IOException
    {
        long at = position;
        while (bytes.hasRemaining())
        {
            at += channel.write(bytes, at);
        }
        return at;
    }

    /**
     * Write the header copy a commit to this slot makes (see {@link SlotDescriptor}); the slot's force makes it
     * durable with the image. Checkpointer thread only; allocates nothing.
     */
    void writeHeaderCopy(final ByteBuffer copy) throws IOException
    {
        long at = headerCopyOffset(geometry.pageSize, geometry.regionLength);
        while (copy.hasRemaining())
        {
            at += channel.write(copy, at);
        }
    }

    int index()
    {
        return index;
    }

    File file()
    {
        return file;
    }

    UnsafeBuffer image()
    {
        return image;
    }

    /**
     * A private view of the image mapping for one thread's CRC computations.
     */
    ByteBuffer newImageView()
    {
        return imageMapping.duplicate();
    }

    /**
     * Copy one page from the live region into the image and record its CRC. The caller owns the page.
     */
    void copyPage(final UnsafeBuffer live, final int page, final ByteBuffer imageView, final PageChecksum checksum)
    {
        copyPageFrom(live, page * geometry.pageSize, page, imageView, checksum);
    }

    /**
     * Write one page of the image from {@code source} at {@code sourceOffset} (the live region, or a pre-image the
     * writer saved) and record its CRC.
     */
    void copyPageFrom(
        final UnsafeBuffer source,
        final int sourceOffset,
        final int page,
        final ByteBuffer imageView,
        final PageChecksum checksum)
    {
        final int pageSize = geometry.pageSize;
        final int offset = page * pageSize;
        image.putBytes(offset, source, sourceOffset, pageSize);
        crcTable.putInt(PageCrcTableDescriptor.crcOffset(page), checksum.compute(imageView, offset, pageSize),
            LITTLE_ENDIAN);
    }

    /**
     * Write one page into the image with a positional write, not through the mapping: on a file system with
     * writeback (ext4, XFS) the first store to each clean mapped page takes a write fault through the file
     * system's page_mkwrite, which costs more than the write itself and is what made a checkpoint of a
     * random-key workload slow; a write puts the bytes into the page cache without it. The page's CRC is taken
     * from the source, which the caller owns for the duration (the copier's claim). Checkpointer thread only; an
     * interrupt of it costs the write a repeat, never the channel ({@link ReopeningChannel}).
     *
     * @param source       a view of the bytes to write (its position and limit are changed).
     * @param sourceOffset where the page starts in {@code source}.
     * @param page         the page of the image it becomes.
     * @param checksum     the caller's checksum.
     * @throws IOException if the write fails.
     */
    void writePage(final ByteBuffer source, final int sourceOffset, final int page, final PageChecksum checksum)
        throws IOException
    {
        final int pageSize = geometry.pageSize;
        final int crc = checksum.compute(source, sourceOffset, pageSize);
        source.limit(sourceOffset + pageSize).position(sourceOffset);
        long at = imageOffset(pageSize) + (long)page * pageSize;
        while (source.hasRemaining())
        {
            at += channel.write(source, at);
        }
        crcTable.putInt(PageCrcTableDescriptor.crcOffset(page), crc, LITTLE_ENDIAN);
    }

    int pageCrc(final int page)
    {
        return crcTable.getInt(PageCrcTableDescriptor.crcOffset(page), LITTLE_ENDIAN);
    }

    /**
     * CRC32C of the whole page CRC table, the value its header record must carry.
     */
    int pageTableCrc(final PageChecksum checksum)
    {
        final ByteBuffer view = crcMapping.duplicate();
        return checksum.compute(view, 0, PageCrcTableDescriptor.tableLength(geometry.pageCount));
    }

    /**
     * Check the image against its record: the table's CRC, then every page's CRC.
     *
     * @return null if the slot holds exactly the image its record committed, else what is wrong.
     */
    String verify(final SlotRecord record, final PageChecksum checksum)
    {
        if (!record.isCommitted())
        {
            return "never committed";
        }
        if (record.pageCount != geometry.pageCount)
        {
            return "record page count " + record.pageCount + " != " + geometry.pageCount;
        }
        final int tableCrc = pageTableCrc(checksum);
        if (tableCrc != record.pageTableCrc)
        {
            return "page CRC table does not match its header record (CRC 0x" + Integer.toHexString(tableCrc) +
                ", record 0x" + Integer.toHexString(record.pageTableCrc) + "): the slot was overwritten by a " +
                "checkpoint that never committed, or the table is damaged";
        }
        final ByteBuffer view = newImageView();
        final int pageSize = geometry.pageSize;
        for (int page = 0; page < geometry.pageCount; page++)
        {
            final int crc = checksum.compute(view, page * pageSize, pageSize);
            if (crc != pageCrc(page))
            {
                return "page " + page + " (file offset " + (imageOffset(pageSize) + (long)page * pageSize) +
                    ") CRC mismatch: computed 0x" + Integer.toHexString(crc) + ", table 0x" +
                    Integer.toHexString(pageCrc(page));
            }
        }
        return null;
    }

    /**
     * Force the image and the page CRC table to the device.
     */
    void force() throws IOException
    {
        channel.force();
    }

    public void close()
    {
        IoUtil.unmap(imageMapping);
        IoUtil.unmap(crcMapping);
        CloseHelper.quietClose(channel);
    }
}
