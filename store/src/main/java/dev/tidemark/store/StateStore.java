/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.store.TableDescriptor.KEY_OFFSET;
import static dev.tidemark.store.TableDescriptor.TAG_OFFSET;

/**
 * A key-value state store kept in a memory-mapped region, checkpointed into two fsynced snapshot slots without
 * stalling its writer, and reopened from the newest snapshot that verifies.
 * <p>
 * <b>Threading.</b> One thread, the writer, makes every call: reads, writes, checkpoints, close. It is the thread
 * that opened the store until another calls {@link #claimWriter()}; a call from any other thread fails with
 * {@link IllegalStateException} (a check costing one comparison, which the system property
 * {@value StoreConfiguration#CHECK_WRITER_THREAD_PROP_NAME}{@code =false} removes). Checkpoint copying, forcing and
 * committing run on a background checkpointer thread, or on a thread of yours through
 * {@link #checkpointerInvoker()}.
 * <p>
 * <b>Positions and sequences.</b> Every mutation (put, remove, batch) gets the next sequence number. A store fed
 * from a log also records the log position it now matches with {@link #logPosition(long)}; a checkpoint records
 * both, and a reopened store reports them ({@link #restoredPosition()}, {@link #restoredSequence()}) so the log can
 * be replayed from there.
 * <p>
 * <b>Durability.</b> This store alone makes nothing durable per write: a crash returns it to its last committed
 * checkpoint. A checkpoint commits only when the {@link DurableLog} says its position is durable, its slot has been
 * forced, and its header record has been written and forced. A failed force makes the store fail-stop.
 * <p>
 * <b>Bad input</b> (a key or value of the wrong size, a full table, a closed or failed store) throws before anything
 * is changed.
 */
public final class StateStore implements AutoCloseable
{
    /**
     * Returned by the get methods for a key that is not present.
     */
    public static final int MISSING = -1;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final boolean CHECK_WRITER_THREAD = StoreConfiguration.checkWriterThread();

    private final StoreContext ctx;
    private final StoreDirectory directory;
    private final StoreGeometry geometry;
    private final HeaderFile header;
    private final SnapshotSlot[] slots;
    private final FileChannel liveChannel;
    private final MappedByteBuffer liveMapping;
    private final UnsafeBuffer live;
    private final CheckpointHandshake handshake;
    private final PageTracker tracker;
    private final HashTable table;
    private final Checkpointer checkpointer;
    private final AgentRunner checkpointerRunner;
    private final AgentInvoker checkpointerInvoker;
    private final IdleStrategy awaitIdleStrategy = new BackoffIdleStrategy(
        10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final int valueOffset;
    private final int keyLength;
    private final int maxValueLength;
    private final int capacity;

    private Thread writerThread;
    private boolean closed;
    private boolean iterating;
    private int size;
    private long lastSequence;
    private long lastPosition;
    private long logRecordingId;
    private int logInitialTermId;
    private int logTermLength;
    private int logMtuLength;

    private final SlotRecord latestCommitted = new SlotRecord();
    private final SlotRecord pendingRecord = new SlotRecord();
    private int latestSlot;
    private long retainedPosition;
    private long nextCheckpointId;
    private boolean checkpointInFlight;
    private long checkpointsCommitted;
    private long checkpointsAborted;
    private long lastCheckpointDurationNs;
    private int lastCheckpointPagesCopied;

    private final int restoredSlot;
    private final boolean restoredFromFallback;
    private final SlotRecord restored = new SlotRecord();
    private final long openDurationNs;

    private StateStore(
        final StoreContext ctx,
        final StoreDirectory directory,
        final HeaderFile header,
        final SnapshotSlot[] slots,
        final int restoredSlot,
        final boolean restoredFromFallback,
        final FileChannel liveChannel,
        final MappedByteBuffer liveMapping,
        final long openStartNs)
    {
        this.ctx = ctx;
        this.directory = directory;
        this.header = header;
        this.geometry = header.geometry();
        this.slots = slots;
        this.liveChannel = liveChannel;
        this.liveMapping = liveMapping;
        this.live = new UnsafeBuffer(liveMapping);
        this.restoredSlot = restoredSlot;
        this.restoredFromFallback = restoredFromFallback;
        this.keyLength = geometry.keyLength;
        this.maxValueLength = geometry.maxValueLength;
        this.capacity = geometry.capacity;

        handshake = new CheckpointHandshake(live, slots, geometry.pageSize, ctx.checkpointPreImagePages());
        checkpointer = new Checkpointer(
            handshake, slots, header, ctx.durableLog(), ctx.errorHandler(), ctx.nanoClock(),
            ctx.checkpointDurableTimeoutNs(), ctx.checkpointPagesPerDutyCycle());
        tracker = new PageTracker(geometry.pageSize, geometry.pageCount, handshake);
        table = new HashTable(live, tracker, geometry);
        valueOffset = table.valueOffset();

        final SlotRecord record = header.record(restoredSlot);
        restored.set(record);
        latestCommitted.set(record);
        latestSlot = restoredSlot;
        final SlotRecord other = header.record(1 - restoredSlot);
        retainedPosition = other.isCommitted() ? Math.min(other.position, record.position) : record.position;
        nextCheckpointId = Math.max(header.record(0).checkpointId, header.record(1).checkpointId) + 1;
        size = (int)record.entryCount;
        lastSequence = record.sequence;
        lastPosition = record.position;
        logRecordingId = record.recordingId;
        logInitialTermId = record.initialTermId;
        logTermLength = record.termLength;
        logMtuLength = record.mtuLength;
        tracker.markAllDirty(1 - restoredSlot);
        writerThread = Thread.currentThread();

        if (ctx.useCheckpointerInvoker())
        {
            checkpointerRunner = null;
            checkpointerInvoker = new AgentInvoker(ctx.errorHandler(), null, checkpointer);
            checkpointerInvoker.start();
        }
        else
        {
            checkpointerInvoker = null;
            checkpointerRunner = new AgentRunner(
                ctx.checkpointerIdleStrategy(), ctx.errorHandler(), null, checkpointer);
            AgentRunner.startOnThread(checkpointerRunner, ctx.checkpointerThreadFactory());
        }
        openDurationNs = System.nanoTime() - openStartNs;
    }

    /**
     * Open the store in {@link StoreContext#dir()}, creating it if it does not exist (and
     * {@link StoreContext#createIfMissing()}), else restoring the newest snapshot slot that verifies.
     *
     * @param ctx settings; concluded here.
     * @return the open store, owned by the calling thread.
     * @throws IllegalStateException     if another store holds the directory.
     * @throws IllegalArgumentException  if the settings contradict an existing store.
     * @throws TidemarkException         if the directory is corrupt or foreign, or cannot be read or written.
     */
    public static StateStore open(final StoreContext ctx)
    {
        final long startNs = System.nanoTime();
        ctx.conclude();
        checkBeforeLock(ctx);
        final StoreDirectory directory = StoreDirectory.lock(ctx.dir(), ctx.createIfMissing());
        HeaderFile header = null;
        final SnapshotSlot[] slots = new SnapshotSlot[2];
        FileChannel liveChannel = null;
        MappedByteBuffer liveMapping = null;
        boolean created = false;
        File createdLiveFile = null;
        try
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

            final StoreGeometry geometry = header.geometry();
            final String[] problems = new String[2];
            final String[] problem = new String[1];
            for (int slot = 0; slot < 2; slot++)
            {
                problem[0] = null;
                slots[slot] = SnapshotSlot.openOrExplain(directory.slotFile(slot), slot, geometry, problem);
                problems[slot] = problem[0];
            }

            final int newest = header.record(1).checkpointId > header.record(0).checkpointId ? 1 : 0;
            int chosen = -1;
            final PageChecksum checksum = new PageChecksum();
            for (int i = 0; i < 2 && chosen < 0; i++)
            {
                final int slot = 0 == i ? newest : 1 - newest;
                if (null == problems[slot])
                {
                    problems[slot] = slots[slot].verify(header.record(slot), checksum);
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

            for (int slot = 0; slot < 2; slot++)
            {
                if (null == slots[slot])
                {
                    slots[slot] = replaceUnusableSlot(directory, slot, geometry, problems[slot], ctx.errorHandler());
                }
            }

            final File liveFile = null == ctx.liveRegionDirectory() ? directory.liveFile() :
                new File(ctx.liveRegionDirectory(), "tidemark-live-" + Long.toHexString(geometry.storeId) + ".dat");
            createdLiveFile = liveFile.exists() ? null : liveFile;
            liveChannel = FileChannel.open(
                liveFile.toPath(), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            copyImageToLive(slots[chosen], liveChannel, geometry.regionLength);
            liveMapping = liveChannel.map(FileChannel.MapMode.READ_WRITE, 0, geometry.regionLength);
            KillPoints.reach(KillPoints.OPEN_AFTER_SLOT_MAP);

            return new StateStore(
                ctx, directory, header, slots, chosen, fallback, liveChannel, liveMapping, startNs);
        }
        catch (final IOException ex)
        {
            release(directory, header, slots, liveChannel, liveMapping, createdLiveFile, created);
            throw new TidemarkException(TidemarkException.Category.ERROR, "cannot open store: dir=" + ctx.dir(), ex);
        }
        catch (final RuntimeException | Error ex)
        {
            release(directory, header, slots, liveChannel, liveMapping, createdLiveFile, created);
            throw ex;
        }
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
    private static void release(
        final StoreDirectory directory,
        final HeaderFile header,
        final SnapshotSlot[] slots,
        final FileChannel liveChannel,
        final MappedByteBuffer liveMapping,
        final File createdLiveFile,
        final boolean createdStore)
    {
        IoUtil.unmap(liveMapping);
        CloseHelper.quietCloseAll(liveChannel, slots[0], slots[1], header);
        if (null != createdLiveFile)
        {
            IoUtil.delete(createdLiveFile, true);
        }
        try
        {
            if (createdStore)
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

    private static void copyImageToLive(final SnapshotSlot slot, final FileChannel liveChannel, final long length)
        throws IOException
    {
        // Whole-page writes from the slot's mapping: real bytes, and no read of the old live pages first.
        final ByteBuffer image = slot.newImageView();
        image.clear();
        long position = 0;
        while (image.hasRemaining())
        {
            position += liveChannel.write(image, position);
        }
        if (liveChannel.size() > length)
        {
            liveChannel.truncate(length);
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

    // ------------------------------------------------------------------------------------------------ reads

    /**
     * Copy the value of a long key into a buffer.
     *
     * @param key         the key.
     * @param destination buffer to copy the value into.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link #MISSING}.
     * @throws IllegalArgumentException if the value does not fit in {@code destination} at {@code offset}.
     */
    public int get(final long key, final MutableDirectBuffer destination, final int offset)
    {
        checkRead();
        checkLongKey();
        ArgumentChecks.checkNotNull(destination, "destination");
        final int entry = table.probe(key);
        return entry < 0 ? MISSING : copyValue(entry, destination, offset);
    }

    /**
     * Copy the value of a byte key into a buffer.
     *
     * @param key         buffer holding the key, of the store's key length.
     * @param keyOffset   offset of the key in {@code key}.
     * @param destination buffer to copy the value into.
     * @param offset      offset in {@code destination}.
     * @return the value's length, or {@link #MISSING}.
     * @throws IllegalArgumentException if the value does not fit in {@code destination} at {@code offset}.
     */
    public int get(
        final DirectBuffer key, final int keyOffset, final MutableDirectBuffer destination, final int offset)
    {
        checkRead();
        checkKey(key, keyOffset);
        ArgumentChecks.checkNotNull(destination, "destination");
        final int entry = table.probe(key, keyOffset);
        return entry < 0 ? MISSING : copyValue(entry, destination, offset);
    }

    /**
     * A zero-copy view of the value of a long key, valid until the next call on this store.
     *
     * @param key the key.
     * @return a view of the value (the same view object every call), or null if the key is not present.
     */
    public DirectBuffer view(final long key)
    {
        checkRead();
        checkLongKey();
        final int entry = table.probe(key);
        return entry < 0 ? null : wrapValue(entry);
    }

    /**
     * A zero-copy view of the value of a byte key, valid until the next call on this store.
     *
     * @param key       buffer holding the key, of the store's key length.
     * @param keyOffset offset of the key in {@code key}.
     * @return a view of the value (the same view object every call), or null if the key is not present.
     */
    public DirectBuffer view(final DirectBuffer key, final int keyOffset)
    {
        checkRead();
        checkKey(key, keyOffset);
        final int entry = table.probe(key, keyOffset);
        return entry < 0 ? null : wrapValue(entry);
    }

    /**
     * A hint, changing nothing: load the home bucket of a key that is about to be written, so its cache miss is
     * taken now, alongside others, rather than when the write needs it. Replay prefetches the keys of a group of messages ahead of
     * the one it applies. A key that would run past the end of its buffer is ignored.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key.
     * @return the tag found (meaningless; returned so that the load is not optimised away).
     */
    public int prefetch(final DirectBuffer key, final int keyOffset)
    {
        ArgumentChecks.checkNotNull(key, "key");
        if (keyOffset < 0 || keyOffset > key.capacity() - keyLength)
        {
            return 0;
        }
        return table.prefetch(key, keyOffset);
    }

    /**
     * Is a long key present?
     *
     * @param key the key.
     * @return true if present.
     */
    public boolean contains(final long key)
    {
        checkRead();
        checkLongKey();
        return table.probe(key) >= 0;
    }

    /**
     * Is a byte key present?
     *
     * @param key       buffer holding the key, of the store's key length.
     * @param keyOffset offset of the key in {@code key}.
     * @return true if present.
     */
    public boolean contains(final DirectBuffer key, final int keyOffset)
    {
        checkRead();
        checkKey(key, keyOffset);
        return table.probe(key, keyOffset) >= 0;
    }

    /**
     * Number of entries.
     *
     * @return number of entries.
     */
    public int size()
    {
        checkRead();
        return size;
    }

    /**
     * Visit every entry, in table order, without allocating. The consumer must not change the store.
     *
     * @param consumer receives each key and value as views valid during the call.
     */
    public void forEach(final EntryConsumer consumer)
    {
        checkRead();
        ArgumentChecks.checkNotNull(consumer, "consumer");
        final int bucketCount = table.bucketCount();
        final int entryLength = table.entryLength();
        final long address = live.addressOffset();
        iterating = true;
        try
        {
            for (int bucket = 0; bucket < bucketCount; bucket++)
            {
                final int offset = bucket * entryLength;
                if (0 != live.getInt(offset + TAG_OFFSET, ORDER))
                {
                    keyView.wrap(address + offset + KEY_OFFSET, keyLength);
                    consumer.accept(keyView, wrapValue(offset));
                }
            }
        }
        finally
        {
            iterating = false;
        }
    }

    /**
     * Visit every entry of a store with long keys, in table order, without allocating. The consumer must not change
     * the store.
     *
     * @param consumer receives each key, and its value as a view valid during the call.
     */
    public void forEachLong(final LongEntryConsumer consumer)
    {
        checkRead();
        checkLongKey();
        ArgumentChecks.checkNotNull(consumer, "consumer");
        final int bucketCount = table.bucketCount();
        final int entryLength = table.entryLength();
        iterating = true;
        try
        {
            for (int bucket = 0; bucket < bucketCount; bucket++)
            {
                final int offset = bucket * entryLength;
                if (0 != live.getInt(offset + TAG_OFFSET, ORDER))
                {
                    consumer.accept(live.getLong(offset + KEY_OFFSET, ORDER), wrapValue(offset));
                }
            }
        }
        finally
        {
            iterating = false;
        }
    }

    // ------------------------------------------------------------------------------------------------ writes

    /**
     * Put a value under a long key (stores with key length 8).
     *
     * @param key         the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value in {@code value}.
     * @param valueLength length of the value, at most the store's max value length.
     * @throws IllegalArgumentException if the key or value does not fit the store.
     * @throws IllegalStateException    if the table is full, or the store is closed or not on the writer thread.
     * @throws TidemarkException        if the store has failed.
     */
    public void put(final long key, final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        checkWrite();
        checkLongKey();
        checkValue(value, valueOffset, valueLength);
        final int entry = table.probe(key);
        if (entry >= 0)
        {
            table.replace(entry, value, valueOffset, valueLength);
        }
        else
        {
            checkNotFull();
            table.insert(-entry - 1, key, value, valueOffset, valueLength);
            size++;
        }
        lastSequence++;
    }

    /**
     * Put a value under a byte key of the store's key length.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key in {@code key}.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value in {@code value}.
     * @param valueLength length of the value, at most the store's max value length.
     * @throws IllegalArgumentException if the key or value does not fit the store.
     * @throws IllegalStateException    if the table is full, or the store is closed or not on the writer thread.
     * @throws TidemarkException        if the store has failed.
     */
    public void put(
        final DirectBuffer key,
        final int keyOffset,
        final DirectBuffer value,
        final int valueOffset,
        final int valueLength)
    {
        checkWrite();
        checkKey(key, keyOffset);
        checkValue(value, valueOffset, valueLength);
        final int entry = table.probe(key, keyOffset);
        if (entry >= 0)
        {
            table.replace(entry, value, valueOffset, valueLength);
        }
        else
        {
            checkNotFull();
            table.insert(-entry - 1, key, keyOffset, value, valueOffset, valueLength);
            size++;
        }
        lastSequence++;
    }

    /**
     * Remove a long key. A mutation, so it takes a sequence number whether or not the key was present.
     *
     * @param key the key.
     * @return true if the key was present.
     */
    public boolean remove(final long key)
    {
        checkWrite();
        checkLongKey();
        final int entry = table.probe(key);
        lastSequence++;
        if (entry >= 0)
        {
            table.delete(entry);
            size--;
            return true;
        }
        return false;
    }

    /**
     * Remove a byte key. A mutation, so it takes a sequence number whether or not the key was present.
     *
     * @param key       buffer holding the key.
     * @param keyOffset offset of the key in {@code key}.
     * @return true if the key was present.
     */
    public boolean remove(final DirectBuffer key, final int keyOffset)
    {
        checkWrite();
        checkKey(key, keyOffset);
        final int entry = table.probe(key, keyOffset);
        lastSequence++;
        if (entry >= 0)
        {
            table.delete(entry);
            size--;
            return true;
        }
        return false;
    }

    /**
     * A new, empty batch for this store. Allocates: make one and reuse it.
     *
     * @return a new batch.
     */
    public StoreBatch newBatch()
    {
        return new StoreBatch(keyLength, maxValueLength, ctx.maxBatchOperations(), ctx.batchInitialCapacity());
    }

    /**
     * Apply a batch atomically as one mutation: it is checked whole first (every operation against this store's
     * geometry, and the table must have room at every step), then applied in order. On any error nothing is applied.
     *
     * @param batch the operations, made by this store's {@link #newBatch()} (or one of the same key length and max
     *              value length), built or wrapped over encoded operations.
     * @throws NullPointerException     if {@code batch} is null.
     * @throws IllegalArgumentException if the batch was made for a store of another geometry, or its operations are
     *                                  malformed (bad type, value too long, lengths not summing to the batch length,
     *                                  an operation count that changed since it was wrapped).
     * @throws IllegalStateException    if the table would overflow at some step, or the store is closed or not on
     *                                  the writer thread.
     */
    public void apply(final StoreBatch batch)
    {
        checkWrite();
        checkBatch(batch);
        if (batch.operationCount() > 1)
        {
            // One operation needs no walk: the insert below checks for room before it changes anything.
            checkBatchCapacity(batch);
        }

        final DirectBuffer buffer = batch.buffer();
        final int end = batch.offset() + batch.length();
        final int batchValueOffset = BatchDescriptor.valueOffset(keyLength);
        for (int at = batch.offset(); at < end; )
        {
            final int type = StoreBatch.operationType(buffer, at);
            final int valueLength = StoreBatch.operationValueLength(buffer, at);
            final int keyAt = at + BatchDescriptor.KEY_OFFSET;
            final int entry = table.probe(buffer, keyAt);
            if (BatchDescriptor.PUT == type)
            {
                if (entry >= 0)
                {
                    table.replace(entry, buffer, at + batchValueOffset, valueLength);
                }
                else
                {
                    checkNotFull();
                    table.insert(-entry - 1, buffer, keyAt, buffer, at + batchValueOffset, valueLength);
                    size++;
                }
            }
            else if (entry >= 0)
            {
                table.delete(entry);
                size--;
            }
            at += BatchDescriptor.operationLength(keyLength, type, valueLength);
        }
        lastSequence++;
    }

    /**
     * Check that a write could be made now, from this thread: for a caller that must claim log space before it
     * applies a change.
     *
     * @throws IllegalStateException if closed, not on the writer thread, or inside forEach.
     * @throws TidemarkException     if the store has failed.
     */
    public void checkWritable()
    {
        checkWrite();
    }

    /**
     * Check that {@link #apply(StoreBatch)} would succeed, without changing anything: the same checks, in full.
     *
     * @param batch the operations.
     * @throws NullPointerException     if {@code batch} is null.
     * @throws IllegalArgumentException if the batch was made for a store of another geometry or is malformed.
     * @throws IllegalStateException    if the table would overflow at some step.
     */
    public void checkApplicable(final StoreBatch batch)
    {
        checkWrite();
        checkBatch(batch);
        checkBatchCapacity(batch);
    }

    private void checkBatchCapacity(final StoreBatch batch)
    {
        final int puts = batch.operationCount();
        if (size + puts <= capacity)
        {
            return;
        }

        // Near full: walk the batch, each key's presence taken from its last earlier operation in the batch, else
        // from the table. Quadratic in the batch length, and only when the table is nearly full.
        final DirectBuffer buffer = batch.buffer();
        final int start = batch.offset();
        final int end = start + batch.length();
        int running = size;
        int index = 0;
        for (int at = start; at < end; index++)
        {
            final int type = StoreBatch.operationType(buffer, at);
            final int valueLength = StoreBatch.operationValueLength(buffer, at);
            final int keyAt = at + BatchDescriptor.KEY_OFFSET;
            final boolean present = presentBefore(buffer, start, at, keyAt);
            if (BatchDescriptor.PUT == type && !present)
            {
                if (++running > capacity)
                {
                    throw new IllegalStateException("table full: batch operation " + index + " would exceed " +
                        "capacity=" + capacity + " (size=" + size + "), nothing applied");
                }
            }
            else if (BatchDescriptor.REMOVE == type && present)
            {
                running--;
            }
            at += BatchDescriptor.operationLength(keyLength, type, valueLength);
        }
    }

    private boolean presentBefore(final DirectBuffer buffer, final int start, final int limit, final int keyAt)
    {
        boolean present = table.probe(buffer, keyAt) >= 0;
        for (int at = start; at < limit; )
        {
            final int type = StoreBatch.operationType(buffer, at);
            if (keysEqual(buffer, at + BatchDescriptor.KEY_OFFSET, keyAt))
            {
                present = BatchDescriptor.PUT == type;
            }
            at += BatchDescriptor.operationLength(keyLength, type, StoreBatch.operationValueLength(buffer, at));
        }
        return present;
    }

    private boolean keysEqual(final DirectBuffer buffer, final int a, final int b)
    {
        for (int i = 0; i < keyLength; i++)
        {
            if (buffer.getByte(a + i) != buffer.getByte(b + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Record the log position the state now matches, after a mutation that came from (or went to) the log.
     * Positions never go backwards.
     *
     * @param position the log position after the last mutation applied.
     * @throws IllegalArgumentException if it is below the current position.
     */
    public void logPosition(final long position)
    {
        checkWrite();
        if (position < lastPosition)
        {
            throw new IllegalArgumentException(
                "log position went backwards: position=" + position + " lastPosition=" + lastPosition);
        }
        lastPosition = position;
    }

    /**
     * Identify the log the positions belong to; kept in every checkpoint's record from now on and restored on open.
     *
     * @param recordingId   the log's recording id.
     * @param initialTermId the log's initial term id.
     * @param termLength    the log's term length.
     * @param mtuLength     the log's MTU length.
     */
    public void logIdentity(
        final long recordingId, final int initialTermId, final int termLength, final int mtuLength)
    {
        checkWrite();
        logRecordingId = recordingId;
        logInitialTermId = initialTermId;
        logTermLength = termLength;
        logMtuLength = mtuLength;
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    /**
     * Start a checkpoint of the state as it is now, at {@link #lastPosition()}, if none is in progress. Returns at
     * once: the background checkpointer copies the changed pages while the writer goes on, and commits once the log
     * is durable to the position.
     *
     * @return true if a checkpoint was started, false if one is still in progress.
     * @throws TidemarkException if the store has failed.
     */
    public boolean checkpoint()
    {
        checkWrite();
        pollCheckpoint();
        if (checkpointInFlight)
        {
            return false;
        }
        final int target = 1 - latestSlot;
        pendingRecord.checkpointId = nextCheckpointId++;
        pendingRecord.position = lastPosition;
        pendingRecord.sequence = lastSequence;
        pendingRecord.entryCount = size;
        pendingRecord.pageCount = geometry.pageCount;
        pendingRecord.pageTableCrc = 0;
        pendingRecord.recordingId = logRecordingId;
        pendingRecord.initialTermId = logInitialTermId;
        pendingRecord.termLength = logTermLength;
        pendingRecord.mtuLength = logMtuLength;
        tracker.beginCheckpoint(target);
        checkpointer.submit(pendingRecord);
        checkpointInFlight = true;
        return true;
    }

    /**
     * Is a checkpoint still in progress?
     *
     * @return true while a started checkpoint has not committed, aborted or failed.
     */
    public boolean isCheckpointInProgress()
    {
        checkRead();
        pollCheckpoint();
        return checkpointInFlight;
    }

    /**
     * Wait for the checkpoint in progress, if any, to end. In invoker mode this drives the checkpointer while no
     * other thread is in one of its duty cycles (see {@link #checkpointerInvoker()}), and otherwise waits for that
     * thread to drive it. Timed by {@link StoreContext#nanoClock()}.
     *
     * @param timeoutNs how long to wait.
     * @return true if no checkpoint is in progress on return.
     * @throws TidemarkException if the store has failed.
     */
    public boolean awaitCheckpoint(final long timeoutNs)
    {
        checkRead();
        final NanoClock clock = ctx.nanoClock();
        final long deadline = clock.nanoTime() + timeoutNs;
        awaitIdleStrategy.reset();
        while (true)
        {
            pollCheckpoint();
            if (!checkpointInFlight)
            {
                checkNotFailed();
                return true;
            }
            if (clock.nanoTime() - deadline > 0)
            {
                return false;
            }
            if (null != checkpointerInvoker)
            {
                awaitIdleStrategy.idle(checkpointerInvoker.invoke());
            }
            else
            {
                awaitIdleStrategy.idle();
            }
        }
    }

    /**
     * Take a checkpoint now and wait until it commits: waits for one in progress, starts one, waits for it.
     * Returns only if the checkpoint it started committed.
     *
     * @throws TidemarkException if the checkpoint it started aborted (the log did not become durable in time), with
     *                           the reason, or failed, or did not end in time.
     */
    public void checkpointAndAwait()
    {
        final long timeoutNs = ctx.checkpointDurableTimeoutNs() + TimeUnit.SECONDS.toNanos(60);
        if (!awaitCheckpoint(timeoutNs))
        {
            throw new TidemarkException(TidemarkException.Category.ERROR, "checkpoint in progress did not end " +
                "within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms, none started: dir=" + ctx.dir());
        }
        if (!checkpoint())
        {
            throw new IllegalStateException("checkpoint still in progress after it ended: dir=" + ctx.dir());
        }
        final long checkpointId = pendingRecord.checkpointId;
        final long position = pendingRecord.position;
        if (!awaitCheckpoint(timeoutNs))
        {
            throw new TidemarkException(TidemarkException.Category.ERROR, "checkpoint at position=" + position +
                " did not end within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms: dir=" + ctx.dir());
        }
        if (latestCommitted.checkpointId != checkpointId)
        {
            final Throwable cause = checkpointer.resultCause();
            throw new TidemarkException(TidemarkException.Category.ERROR, "checkpoint at position=" + position +
                " did not commit (" + (null == cause ? "no reason given" : cause.getMessage()) + "): dir=" +
                ctx.dir(), cause);
        }
    }

    private void pollCheckpoint()
    {
        if (checkpointInFlight && checkpointer.isComplete())
        {
            checkpointInFlight = false;
            final int status = checkpointer.resultStatus();
            tracker.endCheckpoint(Checkpointer.STATUS_COMMITTED == status);
            lastCheckpointDurationNs = checkpointer.resultDurationNs();
            lastCheckpointPagesCopied = checkpointer.resultPagesCopied();
            if (Checkpointer.STATUS_COMMITTED == status)
            {
                latestSlot = 1 - latestSlot;
                retainedPosition = latestCommitted.position;
                latestCommitted.set(pendingRecord);
                checkpointsCommitted++;
            }
            else
            {
                checkpointsAborted++;
            }
        }
    }

    private boolean checkpointNeeded()
    {
        return lastSequence != latestCommitted.sequence || lastPosition != latestCommitted.position ||
            logRecordingId != latestCommitted.recordingId || logInitialTermId != latestCommitted.initialTermId ||
            logTermLength != latestCommitted.termLength || logMtuLength != latestCommitted.mtuLength;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Make the calling thread the writer. Hand the store over through a happens-before edge (a thread start, a
     * queue), and stop using it on the old thread.
     */
    public void claimWriter()
    {
        if (closed)
        {
            throw new IllegalStateException("store closed: dir=" + ctx.dir());
        }
        writerThread = Thread.currentThread();
    }

    /**
     * Close cleanly: wait for a checkpoint in progress, take a final checkpoint if anything changed since the last
     * one (so a clean reopen restores exactly this state), stop the checkpointer, unmap, release the lock.
     * Idempotent.
     * <p>
     * When the final checkpoint cannot be taken it says so: if the checkpoint in progress does not end in time, the
     * final one is skipped, reported to the error handler and thrown; if the final one aborts or fails, it is
     * thrown; a fail-stop store takes none, and reports that to the error handler. The store is closed regardless,
     * and the next open restores its newest committed checkpoint.
     *
     * @throws TidemarkException if the final checkpoint was skipped or did not commit.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        checkWriterThread();
        RuntimeException error = null;
        try
        {
            final Throwable failure = checkpointer.fatalError();
            if (null != failure)
            {
                ctx.errorHandler().onError(new TidemarkException(TidemarkException.Category.FATAL,
                    "final checkpoint skipped on close: the store is fail-stop (" + failure.getMessage() + "); the " +
                    "next open restores the checkpoint at position=" + latestCommitted.position + ": dir=" +
                    ctx.dir(), failure));
            }
            else
            {
                final long timeoutNs = ctx.checkpointDurableTimeoutNs() + TimeUnit.SECONDS.toNanos(60);
                if (!awaitCheckpoint(timeoutNs))
                {
                    error = new TidemarkException(TidemarkException.Category.ERROR,
                        "final checkpoint skipped on close: the checkpoint in progress did not end within " +
                        TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms; the next open restores the checkpoint at " +
                        "position=" + latestCommitted.position + " sequence=" + latestCommitted.sequence +
                        " (or the one in progress, if it commits yet), lastSequence=" + lastSequence + ": dir=" +
                        ctx.dir());
                    ctx.errorHandler().onError(error);
                }
                else if (checkpointNeeded())
                {
                    checkpointAndAwait();
                }
            }
        }
        catch (final RuntimeException ex)
        {
            error = ex;
        }
        finally
        {
            closeResources();
        }
        if (null != error)
        {
            throw error;
        }
    }

    /**
     * Close without a final checkpoint, leaving the files as a crash would: the next open restores the newest
     * committed snapshot (and a log, if the store is fed from one, replays the rest). For a hurried shutdown whose
     * log covers the tail, and for tests. A checkpoint in progress is abandoned. Idempotent.
     */
    public void closeWithoutCheckpoint()
    {
        if (!closed)
        {
            checkWriterThread();
            closeResources();
        }
    }


    private void closeResources()
    {
        closed = true;
        CloseHelper.quietCloseAll(checkpointerRunner, checkpointerInvoker);
        checkpointer.closeDriving(awaitIdleStrategy);
        IoUtil.unmap(liveMapping);
        CloseHelper.quietCloseAll(liveChannel, slots[0], slots[1], header);
        if (null != ctx.liveRegionDirectory())
        {
            // Outside the store directory (tmpfs, say) the live region is memory: give it back. Every open rewrites it.
            IoUtil.delete(new File(ctx.liveRegionDirectory(),
                "tidemark-live-" + Long.toHexString(geometry.storeId) + ".dat"), true);
        }
        CloseHelper.quietClose(directory);
    }

    // ------------------------------------------------------------------------------------------------ state

    /**
     * Sequence number of the last mutation applied (0 before any).
     *
     * @return the last sequence number.
     */
    public long lastSequence()
    {
        return lastSequence;
    }

    /**
     * Log position the state matches, as last recorded by {@link #logPosition(long)}.
     *
     * @return the last log position.
     */
    public long lastPosition()
    {
        return lastPosition;
    }

    /**
     * @return the log recording id kept with the state (0 if never set).
     */
    public long logRecordingId()
    {
        return logRecordingId;
    }

    /**
     * @return the log initial term id kept with the state.
     */
    public int logInitialTermId()
    {
        return logInitialTermId;
    }

    /**
     * @return the log term length kept with the state.
     */
    public int logTermLength()
    {
        return logTermLength;
    }

    /**
     * @return the log MTU length kept with the state.
     */
    public int logMtuLength()
    {
        return logMtuLength;
    }

    /**
     * @return the log position of the snapshot the store was restored from on open.
     */
    public long restoredPosition()
    {
        return restored.position;
    }

    /**
     * @return the sequence of the snapshot the store was restored from on open.
     */
    public long restoredSequence()
    {
        return restored.sequence;
    }

    /**
     * @return the checkpoint id of the snapshot the store was restored from on open.
     */
    public long restoredCheckpointId()
    {
        return restored.checkpointId;
    }

    /**
     * @return the slot restored from on open: 0 for A, 1 for B.
     */
    public int restoredSlot()
    {
        return restoredSlot;
    }

    /**
     * @return true if the newest slot failed verification on open and the store was restored from the older one.
     */
    public boolean restoredFromFallback()
    {
        return restoredFromFallback;
    }

    /**
     * @return nanoseconds open took: lock, header, slot verification and restoring the live region.
     */
    public long openDurationNs()
    {
        return openDurationNs;
    }

    /**
     * @return the log position of the newest committed checkpoint.
     */
    public long lastCheckpointPosition()
    {
        return latestCommitted.position;
    }

    /**
     * @return the sequence of the newest committed checkpoint.
     */
    public long lastCheckpointSequence()
    {
        return latestCommitted.sequence;
    }

    /**
     * The lowest log position a restart may need: the position of the older of the two snapshots this store could
     * be restored from (the newest, or the other if the newest is found damaged). A log may discard what lies below.
     *
     * @return the lowest position to retain.
     */
    public long retainedPosition()
    {
        return retainedPosition;
    }

    /**
     * @return checkpoints committed since open.
     */
    public long checkpointsCommitted()
    {
        return checkpointsCommitted;
    }

    /**
     * @return checkpoints aborted (log not durable in time) or failed since open.
     */
    public long checkpointsAborted()
    {
        return checkpointsAborted;
    }

    /**
     * @return nanoseconds from start to commit of the last checkpoint that ended.
     */
    public long lastCheckpointDurationNs()
    {
        return lastCheckpointDurationNs;
    }

    /**
     * @return pages the checkpointer copied for the last checkpoint that ended (not counting the writer's).
     */
    public int lastCheckpointPagesCopied()
    {
        return lastCheckpointPagesCopied;
    }

    /**
     * @return pages the writer copied itself (into its pre-image ring, or into the slot), since open, because it
     * wrote to a page still pending.
     */
    public long writerPageCopies()
    {
        return handshake.writerCopies();
    }

    /**
     * @return pages the writer copied straight into a slot (its pre-image ring full or off) since open.
     */
    public long writerSlotCopies()
    {
        return handshake.writerSlotCopies();
    }

    /**
     * @return pages changed since the slot a checkpoint would write next last held an image.
     */
    public int dirtyPages()
    {
        return tracker.dirtyCount(1 - latestSlot);
    }

    /**
     * @return the fatal error that made the store fail-stop, or null.
     */
    public Throwable failure()
    {
        return checkpointer.fatalError();
    }

    /**
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * @return the random id given to the store at creation, kept in its header and slot files.
     */
    public long storeId()
    {
        return geometry.storeId;
    }

    /**
     * @return the fixed key length.
     */
    public int keyLength()
    {
        return keyLength;
    }

    /**
     * @return the maximum value length.
     */
    public int maxValueLength()
    {
        return maxValueLength;
    }

    /**
     * @return the most entries the table accepts.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return the length of the mapped region.
     */
    public long regionLength()
    {
        return geometry.regionLength;
    }

    /**
     * @return the store directory.
     */
    public File dir()
    {
        return ctx.dir();
    }

    /**
     * The checkpointer's invoker when {@link StoreContext#useCheckpointerInvoker(boolean)} is set, else null. Call its
     * {@code invoke()} regularly from a thread of yours (it may block in a force); the writer thread will do (and
     * {@link #awaitCheckpoint(long)} invokes it too).
     * <p>
     * One thread at a time runs the checkpointer: an {@code invoke()} made while another thread is in a duty cycle
     * (your thread, or the writer waiting in {@link #awaitCheckpoint(long)}) returns 0 at once and does nothing.
     * {@link #close()} waits for a duty cycle under way to end before it unmaps anything.
     *
     * @return the invoker, or null.
     */
    public AgentInvoker checkpointerInvoker()
    {
        return checkpointerInvoker;
    }

    // ------------------------------------------------------------------------------------------------ checks

    private int copyValue(final int entry, final MutableDirectBuffer destination, final int offset)
    {
        final int length = table.valueLength(entry);
        if (offset < 0 || destination.capacity() - offset < length)
        {
            throw new IllegalArgumentException("destination too small: valueLength=" + length + " offset=" +
                offset + " capacity=" + destination.capacity());
        }
        destination.putBytes(offset, live, entry + valueOffset, length);
        return length;
    }

    private DirectBuffer wrapValue(final int entry)
    {
        valueView.wrap(live.addressOffset() + entry + valueOffset, table.valueLength(entry));
        return valueView;
    }

    private void checkRead()
    {
        if (closed)
        {
            throw new IllegalStateException("store closed: dir=" + ctx.dir());
        }
        checkWriterThread();
    }

    private void checkWrite()
    {
        checkRead();
        if (iterating)
        {
            throw new IllegalStateException("store changed during forEach: dir=" + ctx.dir());
        }
        checkNotFailed();
    }

    private void checkNotFailed()
    {
        final Throwable failure = checkpointer.fatalError();
        if (null != failure)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL,
                "store is fail-stop after an earlier failure: dir=" + ctx.dir(), failure);
        }
    }

    private void checkWriterThread()
    {
        if (CHECK_WRITER_THREAD && Thread.currentThread() != writerThread)
        {
            throw new IllegalStateException("not the writer thread: thread=" + Thread.currentThread().getName() +
                " writer=" + writerThread.getName() + " (see StateStore.claimWriter)");
        }
    }

    private void checkLongKey()
    {
        ArgumentChecks.checkLongKey(keyLength);
    }

    private void checkKey(final DirectBuffer key, final int keyOffset)
    {
        ArgumentChecks.checkKey(key, keyOffset, keyLength);
    }

    private void checkValue(final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
    }

    /**
     * Check a batch whole against this store's geometry before anything is touched: one pass over its operations.
     */
    private void checkBatch(final StoreBatch batch)
    {
        ArgumentChecks.checkNotNull(batch, "batch");
        if (batch.keyLength() != keyLength || batch.maxValueLength() != maxValueLength)
        {
            throw new IllegalArgumentException("batch built for another store: batch keyLength=" +
                batch.keyLength() + " maxValueLength=" + batch.maxValueLength() + ", store keyLength=" + keyLength +
                " maxValueLength=" + maxValueLength + " (make batches with this store's newBatch)");
        }
        if (batch.operationCount() > ctx.maxBatchOperations())
        {
            throw new IllegalArgumentException("batch too long for this store: operations=" + batch.operationCount() +
                " maxBatchOperations=" + ctx.maxBatchOperations());
        }
        if (!batch.isWrapped())
        {
            return; // encoded by its own put and remove methods, each operation checked against this shape then
        }
        final int count = StoreBatch.validate(
            batch.buffer(), batch.offset(), batch.length(), keyLength, maxValueLength, ctx.maxBatchOperations());
        if (count != batch.operationCount())
        {
            throw new IllegalArgumentException("batch operation count changed: operations=" + count + " expected=" +
                batch.operationCount() + " (its bytes changed after they were wrapped)");
        }
    }

    private void checkNotFull()
    {
        if (size >= capacity)
        {
            throw new IllegalStateException("table full: capacity=" + capacity + " dir=" + ctx.dir());
        }
    }
}
