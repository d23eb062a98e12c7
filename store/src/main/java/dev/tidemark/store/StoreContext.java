/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.File;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.store.ArgumentChecks.checkCapacity;
import static dev.tidemark.store.ArgumentChecks.checkKeyLength;
import static dev.tidemark.store.ArgumentChecks.checkMaxValueLength;
import static dev.tidemark.store.ArgumentChecks.checkNotNegative;
import static dev.tidemark.store.ArgumentChecks.checkPageSize;
import static dev.tidemark.store.ArgumentChecks.checkPositive;

/**
 * Settings of a store. Call setters, then {@link StateStore#open(StoreContext)}, which concludes it once.
 */
public final class StoreContext extends CheckpointSettings<StoreContext>
{
    /**
     * What a geometry getter returns for a setting left unset (taken from an existing store, or the default for a
     * new one). Not a value to set: the setters refuse it.
     */
    public static final int UNSET = -1;

    private boolean concluded;
    private File dir;
    // A geometry setting is UNSET until set, by a setter or a system property; a set value is always checked.
    private int keyLength = StoreConfiguration.intProperty(StoreConfiguration.KEY_LENGTH_PROP_NAME, UNSET);
    private boolean keyLengthSet = null != System.getProperty(StoreConfiguration.KEY_LENGTH_PROP_NAME);
    private int maxValueLength = StoreConfiguration.intProperty(StoreConfiguration.MAX_VALUE_LENGTH_PROP_NAME, UNSET);
    private boolean maxValueLengthSet = null != System.getProperty(StoreConfiguration.MAX_VALUE_LENGTH_PROP_NAME);
    private int capacity = StoreConfiguration.intProperty(StoreConfiguration.CAPACITY_PROP_NAME, UNSET);
    private boolean capacitySet = null != System.getProperty(StoreConfiguration.CAPACITY_PROP_NAME);
    private int pageSize = StoreConfiguration.intProperty(
        StoreConfiguration.PAGE_SIZE_PROP_NAME, StoreConfiguration.PAGE_SIZE_DEFAULT);
    private boolean pageSizeSet = null != System.getProperty(StoreConfiguration.PAGE_SIZE_PROP_NAME);
    private boolean createIfMissing = true;
    private StoreKind kind = StoreKind.PLAIN;
    private File liveRegionDirectory = StoreConfiguration.liveRegionDirectory();
    private boolean liveRegionDirectoryDefault = StoreConfiguration.isCheckedLiveRegionDirectory();
    private DurableLog durableLog = DurableLog.NONE;
    private boolean admitReadersOnOpen = true;
    private boolean concurrentReaders = !"false".equals(System.getProperty(StoreConfiguration.READERS_PROP_NAME));
    private ErrorHandler errorHandler;
    private NanoClock nanoClock;
    private int maxBatchOperations = StoreConfiguration.intProperty(
        StoreConfiguration.MAX_BATCH_OPERATIONS_PROP_NAME, StoreConfiguration.MAX_BATCH_OPERATIONS_DEFAULT);
    private int batchInitialCapacity = 4096;

    /**
     * Settings from the system properties in {@link StoreConfiguration}.
     */
    public StoreContext()
    {
        final String dirName = System.getProperty(StoreConfiguration.DIR_PROP_NAME);
        if (null != dirName)
        {
            dir = new File(dirName);
        }
    }

    StoreContext self()
    {
        return this;
    }

    /**
     * Check the settings and fill in defaults. Called by {@link StateStore#open(StoreContext)}.
     *
     * @return this.
     */
    public StoreContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded: a Context opens one store");
        }
        concluded = true;
        if (null == dir)
        {
            throw new IllegalArgumentException("store directory not set: dir=null (Context.dir or -D" +
                StoreConfiguration.DIR_PROP_NAME + ")");
        }
        // Values from system properties reach here unchecked; a setter has checked its own already.
        if (keyLengthSet)
        {
            checkKeyLength(keyLength);
        }
        if (maxValueLengthSet)
        {
            checkMaxValueLength(maxValueLength);
        }
        if (capacitySet)
        {
            checkCapacity(capacity);
        }
        checkPageSize(pageSize);
        concludeCheckpointSettings();
        checkPositive("maxBatchOperations", maxBatchOperations);
        checkPositive("batchInitialCapacity", batchInitialCapacity);
        if (null == errorHandler)
        {
            errorHandler = (throwable) -> throwable.printStackTrace(System.err);
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        return this;
    }

    /**
     * @param dir the store directory, created if missing; the store owns it.
     * @return this.
     */
    public StoreContext dir(final File dir)
    {
        this.dir = dir;
        return this;
    }

    /**
     * @return the store directory.
     */
    public File dir()
    {
        return dir;
    }

    /**
     * @param keyLength fixed key length of a new store (8 for long keys), in [1, 512]; if set for an existing
     *                  store, it must match. Leave it unset by not calling this.
     * @return this.
     * @throws IllegalArgumentException if out of range, {@link #UNSET} included.
     */
    public StoreContext keyLength(final int keyLength)
    {
        checkKeyLength(keyLength);
        this.keyLength = keyLength;
        this.keyLengthSet = true;
        return this;
    }

    /**
     * @return the key length setting, or {@link #UNSET}.
     */
    public int keyLength()
    {
        return keyLength;
    }

    /**
     * @param maxValueLength maximum value length of a new store, in [0, 2^20] (0: keys alone); if set for an
     *                       existing store, it must match. Leave it unset by not calling this.
     * @return this.
     * @throws IllegalArgumentException if out of range, {@link #UNSET} included.
     */
    public StoreContext maxValueLength(final int maxValueLength)
    {
        checkMaxValueLength(maxValueLength);
        this.maxValueLength = maxValueLength;
        this.maxValueLengthSet = true;
        return this;
    }

    /**
     * @return the max value length setting, or {@link #UNSET}.
     */
    public int maxValueLength()
    {
        return maxValueLength;
    }

    /**
     * @param capacity most entries of a new store, positive; if set for an existing store, it must match. Leave
     *                 it unset by not calling this.
     * @return this.
     * @throws IllegalArgumentException if not positive, {@link #UNSET} included.
     */
    public StoreContext capacity(final int capacity)
    {
        checkCapacity(capacity);
        this.capacity = capacity;
        this.capacitySet = true;
        return this;
    }

    /**
     * @return the capacity setting, or {@link #UNSET}.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @param pageSize unit of dirty tracking, copying and checksums for a new store, a power of two >= 512.
     * @return this.
     * @throws IllegalArgumentException if not a power of two >= 512.
     */
    public StoreContext pageSize(final int pageSize)
    {
        checkPageSize(pageSize);
        this.pageSize = pageSize;
        this.pageSizeSet = true;
        return this;
    }

    /**
     * @return the page size.
     */
    public int pageSize()
    {
        return pageSize;
    }

    /**
     * @param dir where the live region lives; null for the store directory, as {@code live.dat}. The default is the
     *            store directory unless the tmpfs at {@value StoreConfiguration#LIVE_DIR_DEFAULT} maps files with
     *            huge pages ({@link StoreConfiguration#defaultLiveRegionDirectory()}: on small pages the table's
     *            random accesses cost far more), in which case it is this user's own directory there, as
     *            {@link #liveRegionInSharedMemory()} chooses. On a tmpfs the kernel never writes the live region back
     *            to disk, which it never needs (every open rebuilds it from a snapshot); its file is then named by
     *            the store's id, made with mode 0600, never opened through a link, locked while open (a copy of the
     *            store directory cannot share it) and deleted on close. A killed process leaves it behind: the next
     *            open of the store reuses it, and any open in the directory deletes this user's that no process
     *            holds once they are {@value LiveRegionFiles#STALE_AGE_MS} ms old. The open refuses a directory set
     *            here that is not one or has no room for the region and
     *            {@value StoreConfiguration#LIVE_DIR_DEFAULT_HEADROOM} bytes more. See checkpoints.md for the memory
     *            it takes. Property: {@value StoreConfiguration#LIVE_DIR_PROP_NAME} (a path, {@code store} or
     *            {@code shm}).
     * @return this.
     */
    public StoreContext liveRegionDirectory(final File dir)
    {
        this.liveRegionDirectory = dir;
        this.liveRegionDirectoryDefault = false;
        return this;
    }

    /**
     * Put the live region in this user's own directory under {@value StoreConfiguration#LIVE_DIR_DEFAULT}
     * ({@link StoreConfiguration#sharedMemoryLiveRegionDirectory()}, made with mode 0700), whatever the page size
     * there: memory another process can map, never written back to disk. The open checks the directory (a real
     * directory, this uid's, closed to others) and its room, and where either fails keeps the live region in the
     * store directory, telling the error handler why; so does a host without that tmpfs.
     *
     * @return this.
     */
    public StoreContext liveRegionInSharedMemory()
    {
        return defaultLiveRegionDirectory(StoreConfiguration.sharedMemoryLiveRegionDirectory());
    }

    /**
     * A checked live region directory, given up for the store directory when unusable: the default's and
     * {@link #liveRegionInSharedMemory()}'s way; for tests, any directory.
     */
    StoreContext defaultLiveRegionDirectory(final File dir)
    {
        this.liveRegionDirectory = dir;
        this.liveRegionDirectoryDefault = true;
        return this;
    }

    /**
     * @return the live region's directory, or null for the store directory.
     */
    public File liveRegionDirectory()
    {
        return liveRegionDirectory;
    }

    /**
     * @return whether {@link #liveRegionDirectory()} is checked and given up for the store directory when unusable
     *         (the default, {@link #liveRegionInSharedMemory()}), not a directory the user named.
     */
    boolean isCheckedLiveRegionDirectory()
    {
        return liveRegionDirectoryDefault && null != liveRegionDirectory;
    }

    /**
     * @param concurrentReaders whether the writer keeps the version stamps that let other threads read the store
     *                          while it writes ({@link StateStore#newReader()}); default true. Off, each write saves
     *                          a few stores to the reader block and {@code newReader} is refused. Property:
     *                          {@value StoreConfiguration#READERS_PROP_NAME}.
     * @return this.
     */
    public StoreContext concurrentReaders(final boolean concurrentReaders)
    {
        this.concurrentReaders = concurrentReaders;
        return this;
    }

    /**
     * @return whether the store keeps the stamps readers on other threads need.
     */
    public boolean concurrentReaders()
    {
        return concurrentReaders;
    }

    /**
     * @param admitReadersOnOpen whether readers ({@link StoreReader} on other threads, {@link ProcessReader} in
     *                           other processes) may read as soon as the open returns (default true). False for an
     *                           owner with more to apply first (a durable store replaying its log): until it calls
     *                           {@link StateStore#admitReaders()} readers are refused.
     * @return this.
     */
    public StoreContext admitReadersOnOpen(final boolean admitReadersOnOpen)
    {
        this.admitReadersOnOpen = admitReadersOnOpen;
        return this;
    }

    /**
     * @return whether the open admits readers in other processes when it returns.
     */
    public boolean admitReadersOnOpen()
    {
        return admitReadersOnOpen;
    }

    /**
     * @param createIfMissing create a new store if the directory holds none (default true).
     * @return this.
     */
    public StoreContext createIfMissing(final boolean createIfMissing)
    {
        this.createIfMissing = createIfMissing;
        return this;
    }

    /**
     * @return whether a missing store is created.
     */
    public boolean createIfMissing()
    {
        return createIfMissing;
    }

    /**
     * @param kind what feeds the store: {@link StoreKind#PLAIN} (the default) for a store used on its own,
     *             {@link StoreKind#DURABLE} for one fed from a change log. Kept in a new store's header; an
     *             existing store of the other kind is refused on open, naming both.
     * @return this.
     * @throws NullPointerException if {@code kind} is null.
     */
    public StoreContext kind(final StoreKind kind)
    {
        ArgumentChecks.checkNotNull(kind, "kind");
        this.kind = kind;
        return this;
    }

    /**
     * @return what feeds the store.
     */
    public StoreKind kind()
    {
        return kind;
    }

    /**
     * @param durableLog how far the log is durable; a checkpoint commits only up to it (default: no log,
     *                   {@link DurableLog#NONE}).
     * @return this.
     * @throws NullPointerException if {@code durableLog} is null.
     */
    public StoreContext durableLog(final DurableLog durableLog)
    {
        ArgumentChecks.checkNotNull(durableLog, "durableLog");
        this.durableLog = durableLog;
        return this;
    }

    /**
     * @return the durable log.
     */
    public DurableLog durableLog()
    {
        return durableLog;
    }

    /**
     * @param errorHandler receives errors of the checkpointer and warnings of open (a slot fallback, a bad
     *                     header copy). Default: printed to standard error.
     * @return this.
     */
    public StoreContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the error handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param nanoClock clock for checkpoint timing.
     * @return this.
     */
    public StoreContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return the clock.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * @param maxBatchOperations most operations in one batch.
     * @return this.
     */
    public StoreContext maxBatchOperations(final int maxBatchOperations)
    {
        checkPositive("maxBatchOperations", maxBatchOperations);
        this.maxBatchOperations = maxBatchOperations;
        return this;
    }

    /**
     * @return most operations in one batch.
     */
    public int maxBatchOperations()
    {
        return maxBatchOperations;
    }

    /**
     * @param capacity initial buffer capacity of a new batch, in bytes.
     * @return this.
     */
    public StoreContext batchInitialCapacity(final int capacity)
    {
        checkPositive("batchInitialCapacity", capacity);
        this.batchInitialCapacity = capacity;
        return this;
    }

    /**
     * @return initial buffer capacity of a new batch.
     */
    public int batchInitialCapacity()
    {
        return batchInitialCapacity;
    }

    int keyLengthOrDefault()
    {
        return keyLengthSet ? keyLength : StoreConfiguration.KEY_LENGTH_DEFAULT;
    }

    int maxValueLengthOrDefault()
    {
        return maxValueLengthSet ? maxValueLength : StoreConfiguration.MAX_VALUE_LENGTH_DEFAULT;
    }

    int capacityOrDefault()
    {
        return capacitySet ? capacity : StoreConfiguration.CAPACITY_DEFAULT;
    }

    boolean keyLengthSet()
    {
        return keyLengthSet;
    }

    boolean maxValueLengthSet()
    {
        return maxValueLengthSet;
    }

    boolean capacitySet()
    {
        return capacitySet;
    }

    boolean pageSizeSet()
    {
        return pageSizeSet;
    }

    /**
     * @return true once {@link #conclude()} has run: the context has opened, or tried to open, a store.
     */
    public boolean isConcluded()
    {
        return concluded;
    }
}
