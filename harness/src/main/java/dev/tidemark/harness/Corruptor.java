/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreHeaderDescriptor;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Damage to a stopped store's files, for the corruption scenario: garbage in a page of the newest snapshot, a
 * truncated snapshot, a flipped bit in a header copy or a page CRC table, garbage over the last message of the
 * recording, a flipped bit in a recorded message.
 */
final class Corruptor
{
    private static final int PAGE_SIZE = 4096;
    private static final int FRAME_ALIGNMENT = 32;
    private static final int DATA_HEADER_LENGTH = 32;

    private Corruptor()
    {
    }

    static String corrupt(final String kind, final File dir, final Random random) throws IOException
    {
        switch (kind)
        {
            case "slot-page-garbage":
            {
                final File slot = newestSlot(dir);
                final long imageLength = imageLength(slot);
                final long offset = PAGE_SIZE + (long)random.nextInt((int)(imageLength / PAGE_SIZE)) * PAGE_SIZE +
                    random.nextInt(PAGE_SIZE - 64);
                writeRandom(slot, offset, 64, random);
                return "64 garbage bytes at offset " + offset + " of " + slot.getName();
            }
            case "slot-truncated":
            {
                final File slot = newestSlot(dir);
                try (RandomAccessFile file = new RandomAccessFile(slot, "rw"))
                {
                    file.setLength(file.length() / 2);
                }
                return slot.getName() + " truncated to half";
            }
            case "header-copy-bitflip":
            {
                final File header = new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
                final long offset = StoreHeaderDescriptor.copyOffset(random.nextInt(2)) +
                    random.nextInt(StoreHeaderDescriptor.CRC_OFFSET);
                flipBit(header, offset, random.nextInt(8));
                return "bit flipped at offset " + offset + " of the header";
            }
            case "crc-table-bitflip":
            {
                final File slot = newestSlot(dir);
                final long imageLength = imageLength(slot);
                final long offset = PAGE_SIZE + imageLength + random.nextInt((int)(imageLength / PAGE_SIZE) * 4);
                flipBit(slot, offset, random.nextInt(8));
                return "bit flipped in the page CRC table of " + slot.getName();
            }
            case "archive-tail-garbage":
            {
                final File segment = lastSegment(dir);
                final List<long[]> frames = dataFrames(segment);
                if (frames.isEmpty())
                {
                    return "no recorded message to damage";
                }
                final long[] last = frames.get(frames.size() - 1);
                writeRandom(segment, last[0] + DATA_HEADER_LENGTH, (int)(last[1] - DATA_HEADER_LENGTH), random);
                return "garbage over the last recorded message of " + segment.getName();
            }
            case "archive-bitflip":
            {
                final File segment = lastSegment(dir);
                final List<long[]> frames = dataFrames(segment);
                if (frames.isEmpty())
                {
                    return "no recorded message to damage";
                }
                final long[] frame = frames.get(random.nextInt(frames.size()));
                final long offset = frame[0] + DATA_HEADER_LENGTH + random.nextInt((int)(frame[1] - DATA_HEADER_LENGTH));
                flipBit(segment, offset, random.nextInt(8));
                return "bit flipped in a recorded message of " + segment.getName();
            }
            default:
                throw new IllegalArgumentException("unknown corruption: " + kind);
        }
    }

    private static File newestSlot(final File dir)
    {
        try (StateStore store = StateStore.open(new StateStore.Context().dir(dir).errorHandler((t) -> { })))
        {
            final File slot = new File(dir, 0 == store.restoredSlot() ? "slot-a.dat" : "slot-b.dat");
            store.closeWithoutCheckpoint();
            return slot;
        }
    }

    private static long imageLength(final File slot) throws IOException
    {
        try (FileChannel channel = FileChannel.open(slot.toPath(), StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            return header.getLong(24);
        }
    }

    private static File lastSegment(final File dir)
    {
        final File[] segments = new File(dir, "archive").listFiles((d, name) -> name.endsWith(".rec"));
        if (null == segments || 0 == segments.length)
        {
            throw new IllegalStateException("no archive segment in " + dir);
        }
        File last = segments[0];
        for (final File segment : segments)
        {
            if (base(segment) > base(last))
            {
                last = segment;
            }
        }
        return last;
    }

    private static long base(final File segment)
    {
        final String name = segment.getName();
        return Long.parseLong(name.substring(name.indexOf('-') + 1, name.indexOf('.')));
    }

    /**
     * Offsets and lengths of the data frames of a segment, walking frame headers until a zero length.
     */
    private static List<long[]> dataFrames(final File segment) throws IOException
    {
        final List<long[]> frames = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment.toPath(), StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            long offset = 0;
            final long size = channel.size();
            while (offset + 8 <= size)
            {
                header.clear();
                channel.read(header, offset);
                final int length = header.getInt(0);
                final int type = header.getShort(6) & 0xFFFF;
                if (length <= 0)
                {
                    break;
                }
                if (1 == type && length > DATA_HEADER_LENGTH)
                {
                    frames.add(new long[]{ offset, length });
                }
                offset += (length + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
            }
        }
        return frames;
    }

    private static void writeRandom(final File file, final long offset, final int length, final Random random)
        throws IOException
    {
        final byte[] garbage = new byte[length];
        random.nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(offset);
            raf.write(garbage);
        }
    }

    private static void flipBit(final File file, final long offset, final int bit) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw"))
        {
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ (1 << bit));
        }
    }
}
