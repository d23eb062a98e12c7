/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * One open of a store, top to bottom: check what can be checked before the lock, then
 * {@link #lock() lock} -> {@link #readHeader(StoreDirectory) header} (creating the store if missing) ->
 * {@link #openSlots(StoreDirectory, StoreGeometry) slots} -> {@link #chooseSlot(HeaderFile, OpenSlots) choose the
 * slot} -> {@link #replaceUnusableSlots(StoreDirectory, StoreGeometry, OpenSlots, SlotChoice) replace an unusable
 * one} -> {@link #mapLiveRegion(StoreDirectory, StoreGeometry, SnapshotSlot) live region}, each step returning what
 * it found, ending in the {@link OpenedStore} the {@link StateStore} is made of, and the store made from it.
 * <p>
 * A failed open undoes itself: every step records here what it opened or created before it goes on, and
 * {@link #release()} closes and deletes those, in one order whichever step failed, so that a refused open leaves
 * the store directory as it found it, but for the lock file. Used once, by the thread opening the store.
 */
final class StoreOpener
{
    private final StoreContext ctx;
    private final long startNs;

    // What release() undoes: recorded by each step as it opens or creates it.
    private StoreDirectory directory;
    private HeaderFile header;
    private final SnapshotSlot[] slots = new SnapshotSlot[2];
    private FileChannel liveChannel;
    private MappedByteBuffer liveMapping;
    private MappedByteBuffer readerMapping;
    private File liveFile;
    private boolean liveCreated;
    private String liveClaim;
    private FileLock liveLock;
    private long readerGeneration;
    private boolean created;

    /**
     * The two slot files as opened, each with the reason it cannot be used, or null.
     */
    record OpenSlots(SnapshotSlot slotA, SnapshotSlot slotB, String problemA, String problemB)
    {
        SnapshotSlot slot(final int slot)
        {
            return 0 == slot ? slotA : slotB;
        }

        String problem(final int slot)
        {
            return 0 == slot ? problemA : problemB;
        }
    }

    /**
     * The slot restored from, whether that is a fallback from a newer committed one, and each slot's problem, its
     * verification included.
     */
    record SlotChoice(int chosen, int newest, boolean fallback, String problemA, String problemB)
    {
        String problem(final int slot)
        {
            return 0 == slot ? problemA : problemB;
        }
    }

    /**
     * The live region, restored from the chosen slot and mapped.
     */
    record LiveRegion(File file, FileChannel channel, MappedByteBuffer mapping, MappedByteBuffer readers, String claim)
    {
    }

    private StoreOpener(final StoreContext ctx, final long startNs)
    {
        this.ctx = ctx;
        this.startNs = startNs;
    }

    /**
     * Open the store {@code ctx} describes, or throw having left the directory as it was.
     *
     * @param ctx      settings; concluded here.
     * @param newStore makes the store of what the open found; if it throws, the open is undone as any failed step.
     * @return the store.
     */
    static StateStore open(final StoreContext ctx, final Function<OpenedStore, StateStore> newStore)
    {
        final long startNs = System.nanoTime();
        ctx.conclude();
        checkBeforeLock(ctx);
        return new StoreOpener(ctx, startNs).openUnderLock(newStore);
    }

    private StateStore openUnderLock(final Function<OpenedStore, StateStore> newStore)
    {
        final StoreDirectory directory = lock();
        try
        {
            final HeaderFile header = readHeader(directory);
            final StoreGeometry geometry = header.geometry();
            final OpenSlots opened = openSlots(directory, geometry);
            final SlotChoice choice = chooseSlot(header, opened);
            final OpenSlots usable = replaceUnusableSlots(directory, geometry, opened, choice);
            final LiveRegion live = mapLiveRegion(directory, geometry, usable.slot(choice.chosen()));
            KillPoints.reach(KillPoints.OPEN_AFTER_SLOT_MAP);

            final StateStore store = newStore.apply(new OpenedStore(
                ctx, directory, header, new SnapshotSlot[] { usable.slotA(), usable.slotB() }, choice.chosen(),
                choice.fallback(), live.file(), live.channel(), live.mapping(), live.readers(), live.claim(),
                readerGeneration, startNs));
            LiveRegionFiles.retireOthers(directory, live.file(), geometry.storeId, ctx);
            return store;
        }
        catch (final IOException ex)
        {
            release();
            throw new TidemarkException(TidemarkException.Category.ERROR, "cannot open store: dir=" + ctx.dir(), ex);
        }
        catch (final RuntimeException | Error ex)
        {
            release();
            throw ex;
        }
    }

    private StoreDirectory lock()
    {
        directory = StoreDirectory.lock(ctx.dir(), ctx.createIfMissing());
        return directory;
    }

    /**
     * The header, the store created first if the directory holds none; a bad copy of it is reported, and settings
     * that contradict it are refused.
     */
    private HeaderFile readHeader(final StoreDirectory directory) throws IOException
    {
        if (!directory.headerFile().exists())
        {
            checkNoStoreWithoutHeader(ctx.dir());
            if (!ctx.createIfMissing())
            {
                throw noStore(ctx);
            }
            create(directory, ctx);
            created = true;
        }

        header = HeaderFile.open(directory.headerFile());
        for (int copy = 0; copy < 2; copy++)
        {
            if (null != header.copyProblem(copy))
            {
                ctx.errorHandler().onError(new TidemarkException(
                    TidemarkException.Category.ERROR, "store header copy " + copy + " invalid (" +
                    header.copyProblem(copy) + "), using the other copy: file=" + header.file()));
            }
        }
        checkSettings(ctx, header.geometry());
        return header;
    }

    private OpenSlots openSlots(final StoreDirectory directory, final StoreGeometry geometry)
    {
        final String[] problems = new String[2];
        final String[] problem = new String[1];
        for (int slot = 0; slot < 2; slot++)
        {
            problem[0] = null;
            slots[slot] = SnapshotSlot.openOrExplain(directory.slotFile(slot), slot, geometry, problem);
            problems[slot] = problem[0];
        }
        return new OpenSlots(slots[0], slots[1], problems[0], problems[1]);
    }

    /**
     * The newest slot that verifies against its header record, else refuse; a fallback from a newer committed slot
     * is reported.
     */
    private SlotChoice chooseSlot(final HeaderFile header, final OpenSlots opened)
    {
        final String[] problems = { opened.problemA(), opened.problemB() };
        final int newest = header.record(1).checkpointId > header.record(0).checkpointId ? 1 : 0;
        int chosen = -1;
        final PageChecksum checksum = new PageChecksum();
        for (int i = 0; i < 2 && chosen < 0; i++)
        {
            final int slot = 0 == i ? newest : 1 - newest;
            if (null == problems[slot])
            {
                problems[slot] = opened.slot(slot).verify(header.record(slot), checksum);
            }
            if (null == problems[slot])
            {
                chosen = slot;
            }
        }

        if (chosen < 0)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "no valid snapshot slot, store cannot be opened: dir=" + ctx.dir() + " slot A: " + problems[0] +
                "; slot B: " + problems[1] + ". " + StoreTool.RESET_HINT);
        }

        final boolean fallback = chosen != newest && header.record(newest).isCommitted();
        if (fallback)
        {
            ctx.errorHandler().onError(new TidemarkException(TidemarkException.Category.ERROR,
                "newest snapshot slot " + SlotDescriptor.slotName(newest) + " invalid (" + problems[newest] +
                "), restored from older slot " + SlotDescriptor.slotName(chosen) + " at position=" +
                header.record(chosen).position + ": dir=" + ctx.dir()));
        }
        return new SlotChoice(chosen, newest, fallback, problems[0], problems[1]);
    }

    private OpenSlots replaceUnusableSlots(
        final StoreDirectory directory, final StoreGeometry geometry, final OpenSlots opened, final SlotChoice choice)
        throws IOException
    {
        for (int slot = 0; slot < 2; slot++)
        {
            if (null == slots[slot])
            {
                slots[slot] = replaceUnusableSlot(directory, slot, geometry, choice.problem(slot), ctx.errorHandler());
            }
        }
        return new OpenSlots(slots[0], slots[1], choice.problemA(), choice.problemB());
    }

    private LiveRegion mapLiveRegion(
        final StoreDirectory directory, final StoreGeometry geometry, final SnapshotSlot image) throws IOException
    {
        final File liveFile = liveFile(ctx, directory, geometry);
        // The store's lock covers its directory; a live region elsewhere is named by the store's id, which a copy of
        // the directory shares, so it has a lock of its own: two copies open at once must never share one.
        final LiveRegionFiles.Locked locked =
            LiveRegionFiles.lock(liveFile, () -> liveRegionInUse(liveFile, directory));
        this.liveFile = liveFile;
        liveCreated = locked.created();
        liveChannel = locked.channel();
        liveLock = locked.lock();
        liveClaim = locked.claim();

        final int readerBlockLength = ReaderBlockDescriptor.length(geometry.pageCount, geometry.pageSize);
        // Readers in other processes may still map this file (a killed writer's): tell them, before a byte of the
        // region changes, that another open is rewriting it.
        final long lastGeneration =
            LiveRegionFiles.markTrailer(liveChannel, geometry.storeId, ReaderBlockDescriptor.NOT_READY);
        // Grows at every open, across files too (a region outside the store directory is deleted on close).
        readerGeneration = Math.max(lastGeneration + 1, System.currentTimeMillis());
        copyImageToLive(image, liveChannel, geometry.regionLength, readerBlockLength);
        liveMapping = liveChannel.map(FileChannel.MapMode.READ_WRITE, 0, geometry.regionLength);
        readerMapping = liveChannel.map(FileChannel.MapMode.READ_WRITE, geometry.regionLength, readerBlockLength);
        return new LiveRegion(liveFile, liveChannel, liveMapping, readerMapping, liveClaim);
    }

    private static TidemarkException liveRegionInUse(final File liveFile, final StoreDirectory directory)
    {
        return new TidemarkException(TidemarkException.Category.ERROR, "live region " + liveFile + " is in use " +
            "by another open store with the same id (a copy of this store directory?): dir=" + directory.dir());
    }

    /**
     * The live region's file: in the store directory, or named by the store's id in
     * {@link StoreContext#liveRegionDirectory()}, after sweeping that directory of the files killed stores left
     * ({@link LiveRegionFiles#sweep}). The default directory without room for the region gives way to the store
     * directory, with a report; a directory the user set is refused.
     */
    static File liveFile(final StoreContext ctx, final StoreDirectory directory, final StoreGeometry geometry)
    {
        final File dir = ctx.liveRegionDirectory();
        if (null == dir)
        {
            return directory.liveFile();
        }
        final boolean isDefault = ctx.isCheckedLiveRegionDirectory();
        String problem = LiveRegionFiles.prepare(dir, isDefault);
        final File file = LiveRegionFiles.file(dir, geometry.storeId);
        if (null == problem)
        {
            LiveRegionFiles.sweep(dir, ctx.errorHandler());
            if (LiveRegionFiles.hasRoom(dir, geometry.regionLength, file))
            {
                return file;
            }
            problem = "no room for the live region in " + dir + ": usable " + dir.getUsableSpace() + " bytes, " +
                "region " + geometry.regionLength + " bytes";
        }
        if (isDefault)
        {
            ctx.errorHandler().onError(new TidemarkException(TidemarkException.Category.ERROR, problem + "; the " +
                "live region is kept in the store directory instead, whose file the kernel writes back to disk for " +
                "nothing; mend that, or choose a directory: dir=" + directory.dir()));
            return directory.liveFile();
        }
        throw new TidemarkException(TidemarkException.Category.ERROR, problem + "; mend that, or set " +
            "liveRegionDirectory(null) for the store directory: dir=" + directory.dir());
    }

    /**
     * The refusals that need neither the lock nor a write, made before the lock file or the directory is created so
     * that a refused open leaves the disk exactly as it was. The open repeats them under the lock, where they count.
     */
    private static void checkBeforeLock(final StoreContext ctx)
    {
        final File dir = ctx.dir();
        if (!dir.isDirectory())
        {
            if (!dir.exists() && !ctx.createIfMissing())
            {
                throw noStore(ctx);
            }
            return;
        }
        final File headerFile = new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME);
        if (!headerFile.exists())
        {
            checkNoStoreWithoutHeader(dir);
            if (!ctx.createIfMissing())
            {
                throw noStore(ctx);
            }
            return;
        }
        final HeaderFile header;
        try
        {
            header = HeaderFile.open(headerFile);
        }
        catch (final TidemarkException ex)
        {
            return; // read again under the lock, which refuses it with the same message if it still stands
        }
        try
        {
            checkSettings(ctx, header.geometry());
        }
        finally
        {
            header.close();
        }
    }

    private static TidemarkException noStore(final StoreContext ctx)
    {
        return new TidemarkException(TidemarkException.Category.ERROR,
            "no store in directory and createIfMissing=false: dir=" + ctx.dir());
    }

    /**
     * A directory with no header holds no store, or an unfinished creation (which left its marker, the header's
     * temporary file, and never committed anything), or a damaged store: one of the store's own files without the
     * header that commits them, refused, naming them. Entries that are not the store's own (a durable store's
     * archive, which a reset keeps for the log to be replayed) do not count.
     */
    private static void checkNoStoreWithoutHeader(final File dir)
    {
        if (new File(dir, StoreDirectory.HEADER_TEMP_FILE_NAME).exists())
        {
            return;
        }
        final StringBuilder found = new StringBuilder();
        for (final String name : StoreDirectory.STORE_FILE_NAMES)
        {
            if (new File(dir, name).exists())
            {
                found.append(found.length() > 0 ? ", " : "").append(name);
            }
        }
        if (found.length() > 0)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "store header missing: file=" + new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME) +
                ", yet the directory holds files found: " + found + ". Without its header (the commit record of " +
                "every checkpoint) the store cannot be opened, and is not created anew over its files. " +
                "The slot files keep copies of the header: " + StoreTool.RESTORE_HEADER_HINT + " Or " +
                "restore header.dat from a copy of the directory taken while the store was closed, or discard the " +
                "store: " + StoreTool.RESET_HINT);
        }
    }

    /**
     * Undo a failed open: close what it opened and delete what it created (a live file, or the whole new store),
     * so that a refused open leaves the store directory as it found it, but for the lock file.
     */
    private void release()
    {
        IoUtil.unmap(liveMapping);
        IoUtil.unmap(readerMapping);
        // The live file only while this open still holds its lock (an interrupt during the copy closes the channel,
        // and the lock with it), and in the store directory only if this open created it; elsewhere it is never
        // trusted, so never worth keeping.
        final boolean inStoreDirectory = null != liveFile && liveFile.equals(directory.liveFile());
        final boolean ours = null != liveLock && liveLock.isValid() && (liveCreated || !inStoreDirectory);
        JvmFileLocks.unlinkCloseRelease(ours ? liveFile : null, liveChannel, liveClaim);
        CloseHelper.quietCloseAll(slots[0], slots[1], header);
        try
        {
            if (created)
            {
                // As a reset does: the creation marker first, so that a crash in between leaves an unfinished
                // creation, never a store without its header.
                Files.write(directory.headerTempFile().toPath(), new byte[0]);
                directory.fsync();
                Files.deleteIfExists(directory.headerFile().toPath());
                Files.deleteIfExists(directory.slotFile(0).toPath());
                Files.deleteIfExists(directory.slotFile(1).toPath());
                directory.fsync();
                Files.deleteIfExists(directory.headerTempFile().toPath());
                directory.fsync();
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // Best effort: what is left is an unfinished creation, which the next open completes.
        }
        CloseHelper.quietClose(directory);
    }

    private static SnapshotSlot replaceUnusableSlot(
        final StoreDirectory directory,
        final int slot,
        final StoreGeometry geometry,
        final String problem,
        final ErrorHandler errorHandler) throws IOException
    {
        // The slot is neither restored from nor mappable: keep the bad file for inspection, give the next
        // checkpoint a fresh one of real bytes to write into.
        final File file = directory.slotFile(slot);
        final File aside = new File(file.getPath() + ".bad");
        if (file.exists())
        {
            Files.move(file.toPath(), aside.toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
        SnapshotSlot.create(file, slot, geometry);
        directory.fsync();
        errorHandler.onError(new TidemarkException(TidemarkException.Category.ERROR,
            "snapshot slot " + SlotDescriptor.slotName(slot) + " unusable (" + problem + "), replaced by a new " +
            "empty slot file; the old file, if any, is kept as " + aside));
        final String[] reopenProblem = new String[1];
        final SnapshotSlot replacement = SnapshotSlot.openOrExplain(file, slot, geometry, reopenProblem);
        if (null == replacement)
        {
            throw new IOException("new slot file unusable: " + reopenProblem[0]);
        }
        return replacement;
    }

    private static void copyImageToLive(
        final SnapshotSlot slot, final FileChannel liveChannel, final long length, final int readerBlockLength)
        throws IOException
    {
        // Whole-page writes from the slot's mapping: real bytes, and no read of the old live pages first; then the
        // reader block after the table, zeroed (a file an earlier open left may hold its old counters).
        final ByteBuffer image = slot.newImageView();
        image.clear();
        long position = 0;
        while (image.hasRemaining())
        {
            position += liveChannel.write(image, position);
        }
        final ByteBuffer zeros = ByteBuffer.allocate(readerBlockLength);
        while (zeros.hasRemaining())
        {
            position += liveChannel.write(zeros, position);
        }
        if (liveChannel.size() > position)
        {
            liveChannel.truncate(position);
        }
    }

    private static void create(final StoreDirectory directory, final StoreContext ctx) throws IOException
    {
        final StoreGeometry geometry = StoreGeometry.forSettings(
            new SecureRandom().nextLong(), ctx.kind(), ctx.pageSize(), ctx.keyLengthOrDefault(),
            ctx.maxValueLengthOrDefault(), ctx.capacityOrDefault());
        try
        {
            // The header's temporary file first, as the marker of a creation under way: a directory holding it
            // and no header is an unfinished creation, never a store that lost its header.
            Files.write(directory.headerTempFile().toPath(), new byte[0]);
            directory.fsync();
            final PageChecksum checksum = new PageChecksum();
            for (int slot = 0; slot < 2; slot++)
            {
                SnapshotSlot.create(directory.slotFile(slot), slot, geometry);
            }

            final SlotRecord a = new SlotRecord();
            a.checkpointId = 1;
            a.pageCount = geometry.pageCount;
            final String[] problem = new String[1];
            try (SnapshotSlot slotA = SnapshotSlot.openOrExplain(directory.slotFile(0), 0, geometry, problem))
            {
                if (null == slotA)
                {
                    throw new IOException("slot A unreadable after creation: " + problem[0]);
                }
                a.pageTableCrc = slotA.pageTableCrc(checksum);
            }
            final SlotRecord b = new SlotRecord();
            b.pageCount = geometry.pageCount;

            final HeaderFile image = HeaderFile.image(directory.headerTempFile(), geometry, 1, a, b);
            for (int slot = 0; slot < 2; slot++)
            {
                SnapshotSlot.writeHeaderCopy(directory.slotFile(slot), geometry, image.preparedCopy());
            }
            image.writeNewFile(directory.headerTempFile());
            Files.move(directory.headerTempFile().toPath(), directory.headerFile().toPath(),
                StandardCopyOption.ATOMIC_MOVE);
            directory.fsync();
        }
        catch (final IOException ex)
        {
            // Nothing was ever committed: leave no half-made store behind.
            for (int slot = 0; slot < 2; slot++)
            {
                Files.deleteIfExists(directory.slotFile(slot).toPath());
            }
            Files.deleteIfExists(directory.headerTempFile().toPath());
            throw new TidemarkException(TidemarkException.Category.ERROR,
                "cannot create store (disk full?): dir=" + directory.dir() + " " + geometry, ex);
        }
    }

    private static void checkSettings(final StoreContext ctx, final StoreGeometry geometry)
    {
        if (ctx.kind() != geometry.kind())
        {
            throw new IllegalArgumentException("store kind mismatch: opened as kind=" + ctx.kind() +
                ", store kind=" + geometry.kind() + ": dir=" + ctx.dir() + " (a DURABLE store is fed from its change " +
                "log and opens through DurableStore; a PLAIN store opens with StateStore alone)");
        }
        final StringBuilder contradictions = new StringBuilder();
        contradiction(contradictions, "keyLength", ctx.keyLengthSet(), ctx.keyLength(), geometry.keyLength);
        contradiction(contradictions, "maxValueLength", ctx.maxValueLengthSet(), ctx.maxValueLength(),
            geometry.maxValueLength);
        contradiction(contradictions, "capacity", ctx.capacitySet(), ctx.capacity(), geometry.capacity);
        if (ctx.pageSize() != geometry.pageSize && ctx.pageSizeSet())
        {
            contradictions.append(" pageSize: settings=").append(ctx.pageSize())
                .append(" store=").append(geometry.pageSize);
        }
        if (contradictions.length() > 0)
        {
            throw new IllegalArgumentException(
                "settings contradict the existing store:" + contradictions + ": dir=" + ctx.dir());
        }
    }

    private static void contradiction(
        final StringBuilder out, final String name, final boolean set, final int setting, final int stored)
    {
        if (set && setting != stored)
        {
            out.append(' ').append(name).append(": settings=").append(setting).append(" store=").append(stored);
        }
    }
}
