/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.store.StoreConfiguration;
import dev.tidemark.store.StoreHeaderDescriptor;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;

/**
 * Damage to a stopped store's files, for the corruption scenario, each with the outcome an open must have. What must
 * happen is worked out from the files themselves ({@link StoreInspection}, the harness's own reading of the format),
 * not from the store: after damage to the snapshots or the header, an open must restore the newest slot that is
 * still valid (falling back to the older one where the newest is damaged) and refuse only where no valid slot or no
 * valid header copy remains; after damage to the log, it may cut a damaged last message or refuse, must refuse (or
 * lose nothing) where acknowledged log in the middle is gone, and must not notice damage outside what it replays.
 */
final class Corruptor
{
    static final String[] KINDS = {
        "newest-slot-page-garbage", "newest-slot-page-bitflip", "newest-slot-crc-table-bitflip", "newest-slot-truncated",
        "newest-slot-deleted", "older-slot-page-garbage", "older-slot-deleted", "header-copy-bitflip",
        "header-both-copies-bitflip", "header-deleted", "live-deleted", "archive-tail-garbage", "archive-bitflip",
        "archive-segment-deleted", "archive-catalog-deleted" };

    private static final int PAGE_SIZE = 4096;
    private static final int DATA_HEADER_LENGTH = 32;

    /**
     * What was done and what an open must do about it.
     */
    static final class Damage
    {
        final String kind;
        String done;
        /** The open may succeed; it must then hold at least {@link #minK} operations (relative to last ack). */
        boolean mayOpen;
        /** The open may refuse. */
        boolean mayRefuse;
        /** An open must restore from the older slot (true) or must not (false); null: either. */
        Boolean fallback;
        /** Operations an open may lose from the last acknowledged: 0, or 1 where the last message was damaged. */
        int mayLose;
        /** Why this outcome, in words. */
        String expected;

        Damage(final String kind)
        {
            this.kind = kind;
        }

        Damage mustOpen(final boolean fallback, final String why)
        {
            mayOpen = true;
            mayRefuse = false;
            this.fallback = fallback;
            expected = (fallback ? "open from the older slot: " : "open: ") + why;
            return this;
        }

        Damage mustRefuse(final String why)
        {
            mayOpen = false;
            mayRefuse = true;
            expected = "refuse: " + why;
            return this;
        }

        Damage refuseOrLoseNothing(final String why)
        {
            mayOpen = true;
            mayRefuse = true;
            expected = "refuse, or open with nothing acknowledged lost: " + why;
            return this;
        }

        Damage refuseOrLoseTail(final String why)
        {
            mayOpen = true;
            mayRefuse = true;
            mayLose = Integer.MAX_VALUE;
            expected = "refuse, or open a prefix that may lack the acknowledged tail: " + why;
            return this;
        }

        Damage refuseOrCut(final String why)
        {
            mayOpen = true;
            mayRefuse = true;
            mayLose = 1;
            expected = "refuse, or cut the damaged last message (losing at most it): " + why;
            return this;
        }
    }

    private Corruptor()
    {
    }

    /**
     * Damage a stopped store.
     *
     * @param lastAckPosition log position of the last acknowledged operation, or -1 if unknown.
     */
    static Damage corrupt(final String kind, final File dir, final Random random, final long lastAckPosition)
        throws IOException
    {
        final StoreInspection before = StoreInspection.of(dir);
        final Damage damage = new Damage(kind);
        if (null == before.restorable())
        {
            throw new IllegalStateException("store already unrestorable before damage: " + before.describe());
        }
        switch (kind)
        {
            case "newest-slot-page-garbage":
            case "older-slot-page-garbage":
            {
                final File slot = slotFile(dir, kind.startsWith("newest") ? before.newest() : before.older());
                final long offset = PAGE_SIZE + (long)random.nextInt((int)(before.regionLength / PAGE_SIZE)) *
                    PAGE_SIZE + random.nextInt(PAGE_SIZE - 64);
                writeRandom(slot, offset, 64, random);
                damage.done = "64 garbage bytes at offset " + offset + " of " + slot.getName();
                break;
            }
            case "newest-slot-page-bitflip":
            {
                final File slot = slotFile(dir, before.newest());
                final long offset = PAGE_SIZE + (long)(random.nextDouble() * before.regionLength);
                flipBit(slot, offset, random.nextInt(8));
                damage.done = "one bit flipped at offset " + offset + " (image page " + (offset / PAGE_SIZE - 1) +
                    ") of " + slot.getName();
                break;
            }
            case "newest-slot-crc-table-bitflip":
            {
                final File slot = slotFile(dir, before.newest());
                final long offset = PAGE_SIZE + before.regionLength +
                    random.nextInt((int)(before.regionLength / PAGE_SIZE) * 4);
                flipBit(slot, offset, random.nextInt(8));
                damage.done = "one bit flipped in the page CRC table of " + slot.getName();
                break;
            }
            case "newest-slot-truncated":
            {
                final File slot = slotFile(dir, before.newest());
                try (RandomAccessFile file = new RandomAccessFile(slot, "rw"))
                {
                    file.setLength(file.length() / 2);
                }
                damage.done = slot.getName() + " truncated to half";
                break;
            }
            case "newest-slot-deleted":
            case "older-slot-deleted":
            {
                final File slot = slotFile(dir, kind.startsWith("newest") ? before.newest() : before.older());
                Files.delete(slot.toPath());
                damage.done = slot.getName() + " deleted";
                break;
            }
            case "header-copy-bitflip":
            {
                final File header = new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
                final int copy = random.nextInt(2);
                final long offset = StoreHeaderDescriptor.copyOffset(copy) +
                    random.nextInt(StoreHeaderDescriptor.CRC_OFFSET);
                flipBit(header, offset, random.nextInt(8));
                damage.done = "one bit flipped at offset " + offset + " of header copy " + copy;
                break;
            }
            case "header-both-copies-bitflip":
            {
                final File header = new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
                for (int copy = 0; copy < 2; copy++)
                {
                    flipBit(header, StoreHeaderDescriptor.copyOffset(copy) +
                        random.nextInt(StoreHeaderDescriptor.CRC_OFFSET), random.nextInt(8));
                }
                damage.done = "one bit flipped in each header copy";
                break;
            }
            case "header-deleted":
            {
                Files.delete(new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME).toPath());
                damage.done = "header.dat deleted (slot, live and archive files kept)";
                break;
            }
            case "live-deleted":
            {
                // In the store directory, or (the default) named by the store's id in the tmpfs directory.
                final File inDir = new File(dir, "live.dat");
                final File defaultDir = StoreConfiguration.defaultLiveRegionDirectory();
                final File live = inDir.exists() || null == defaultDir ? inDir : new File(defaultDir,
                    "tidemark-live-" + Long.toHexString(StoreInspection.headerStoreId(dir)) + ".dat");
                damage.done = live + (Files.deleteIfExists(live.toPath()) ? " deleted" : " absent (given back on close)");
                break;
            }
            case "archive-tail-garbage":
            case "archive-bitflip":
                return damageLog(kind, dir, random, before, damage);
            case "archive-segment-deleted":
                return deleteSegment(dir, random, before, lastAckPosition, damage);
            case "archive-catalog-deleted":
            {
                Files.delete(new File(dir, "archive/archive.catalog").toPath());
                damage.done = "archive/archive.catalog deleted (segments kept)";
                return damage.refuseOrLoseNothing("the catalog that names the store's recording is gone");
            }
            default:
                throw new IllegalArgumentException("unknown corruption: " + kind);
        }
        return expectFromSnapshots(damage, StoreInspection.of(dir));
    }

    /**
     * After damage to the header or the slots: restore the newest valid slot, refuse only if none is left.
     */
    private static Damage expectFromSnapshots(final Damage damage, final StoreInspection after)
    {
        if (null != after.headerProblem)
        {
            return damage.mustRefuse(after.headerProblem + ": the slots cannot be trusted without it (" +
                after.describe() + ")");
        }
        final StoreInspection.Slot restorable = after.restorable();
        if (null == restorable)
        {
            return damage.mustRefuse("no valid slot remains (" + after.describe() + ")");
        }
        final StoreInspection.Slot newest = after.newest();
        return damage.mustOpen(restorable != newest, restorable.name() + " is valid, and the log replays the rest (" +
            after.describe() + ")");
    }

    private static Damage damageLog(
        final String kind, final File dir, final Random random, final StoreInspection before, final Damage damage)
        throws IOException
    {
        final long restorePosition = before.restorable().position;
        final List<File> segments = StoreInspection.segments(dir);
        final File segment = segments.get(segments.size() - 1);
        final long base = StoreInspection.basePosition(segment);
        final List<StoreInspection.Frame> frames = StoreInspection.dataFrames(segment);
        if (frames.isEmpty())
        {
            damage.done = "no recorded message in " + segment.getName();
            return damage.mustOpen(false, "nothing was damaged");
        }
        int lastBegin = frames.size() - 1;
        while (lastBegin > 0 && !frames.get(lastBegin).begin)
        {
            lastBegin--;
        }
        final int index = "archive-tail-garbage".equals(kind) ? frames.size() - 1 : random.nextInt(frames.size());
        final StoreInspection.Frame frame = frames.get(index);
        if ("archive-tail-garbage".equals(kind))
        {
            writeRandom(segment, frame.offset + DATA_HEADER_LENGTH, frame.length - DATA_HEADER_LENGTH, random);
            damage.done = "garbage over the payload of the last frame of " + segment.getName() + " (position " +
                (base + frame.offset) + ")";
        }
        else
        {
            final long offset = frame.offset + DATA_HEADER_LENGTH + random.nextInt(frame.length - DATA_HEADER_LENGTH);
            flipBit(segment, offset, random.nextInt(8));
            damage.done = "one bit flipped in the frame at position " + (base + frame.offset) + " of " +
                segment.getName() + (index >= lastBegin ? " (the last message)" : "");
        }
        int messageBegin = index;
        while (messageBegin > 0 && !frames.get(messageBegin).begin)
        {
            messageBegin--;
        }
        int messageEnd = index;
        while (messageEnd < frames.size() - 1 && !frames.get(messageEnd).end)
        {
            messageEnd++;
        }
        final StoreInspection.Frame last = frames.get(messageEnd);
        final long endPosition = base + last.offset + ((last.length + 31) & -32);
        if (endPosition <= restorePosition)
        {
            return damage.mustOpen(false, "the damaged message ends at " + endPosition + ", at or before the " +
                "snapshot's position " + restorePosition + ": replay never reads it");
        }
        if (index >= lastBegin)
        {
            return damage.refuseOrCut("the damaged message is the last one recorded");
        }
        return damage.refuseOrLoseNothing("a message in the middle of the replayed range (after position " +
            restorePosition + ") is damaged and valid ones follow it");
    }

    private static Damage deleteSegment(
        final File dir, final Random random, final StoreInspection before, final long lastAckPosition,
        final Damage damage) throws IOException
    {
        final long restorePosition = before.restorable().position;
        final List<File> segments = StoreInspection.segments(dir);
        final File segment = segments.get(random.nextInt(segments.size()));
        final long base = StoreInspection.basePosition(segment);
        final long end = base + segment.length();
        Files.delete(segment.toPath());
        damage.done = segment.getName() + " deleted (" + segments.size() + " segments, positions " + base + "-" +
            end + ")";
        if (end <= restorePosition)
        {
            return damage.mustOpen(false, "the segment lies below the snapshot's position " + restorePosition +
                ": replay never reads it");
        }
        if (lastAckPosition >= 0 && base >= lastAckPosition)
        {
            return damage.refuseOrLoseNothing("the segment holds nothing acknowledged (last ack at position " +
                lastAckPosition + ")");
        }
        if (segment.equals(segments.get(segments.size() - 1)))
        {
            // After a crash the archive finds the recording's stop by reading the segments it has: without the
            // last one, the log looks as if it ended at that segment's start. Nothing in the files tells otherwise.
            return damage.refuseOrLoseTail("the deleted segment was the recording's last, holding acknowledged log " +
                "up to position " + lastAckPosition + "; the recording's stop is recovered from the segments left");
        }
        return damage.refuseOrLoseNothing("the segment holds acknowledged log past the snapshot's position " +
            restorePosition + " (last ack at position " + lastAckPosition + ")");
    }

    private static File slotFile(final File dir, final StoreInspection.Slot slot)
    {
        return new File(dir, dev.tidemark.store.SlotDescriptor.fileName(slot.index));
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
