/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * System properties for the store's settings, read by {@link StoreContext} as defaults.
 */
public final class StoreConfiguration
{
    /**
     * Store directory.
     */
    public static final String DIR_PROP_NAME = "tidemark.store.dir";

    /**
     * Key length in bytes, for a new store.
     */
    public static final String KEY_LENGTH_PROP_NAME = "tidemark.store.key.length";

    /**
     * Key length of a new store when not set.
     */
    public static final int KEY_LENGTH_DEFAULT = 8;

    /**
     * Maximum value length in bytes, for a new store.
     */
    public static final String MAX_VALUE_LENGTH_PROP_NAME = "tidemark.store.max.value.length";

    /**
     * Maximum value length of a new store when not set.
     */
    public static final int MAX_VALUE_LENGTH_DEFAULT = 64;

    /**
     * Capacity in entries, for a new store.
     */
    public static final String CAPACITY_PROP_NAME = "tidemark.store.capacity";

    /**
     * Capacity of a new store when not set.
     */
    public static final int CAPACITY_DEFAULT = 65536;

    /**
     * Directory of the live region ({@link #LIVE_DIR_DEFAULT} by default, {@link #LIVE_DIR_STORE} for the store
     * directory): the live region is never trusted after a crash, and on tmpfs the kernel never writes it back to
     * disk (nor makes the writer wait for that).
     */
    public static final String LIVE_DIR_PROP_NAME = "tidemark.store.live.dir";

    /**
     * The value of {@link #LIVE_DIR_PROP_NAME} that keeps the live region in the store directory.
     */
    public static final String LIVE_DIR_STORE = "store";

    /**
     * Where the default live region directory is made, where it exists and is writable (Linux): a tmpfs, memory a
     * second process can map, never written back to disk; the live regions go in this user's own directory in it
     * ({@link #defaultLiveRegionDirectory()}). Elsewhere the default is the store directory. Set another with
     * {@link #LIVE_DIR_PROP_NAME} or {@code StoreContext.liveRegionDirectory}.
     */
    public static final String LIVE_DIR_DEFAULT = "/dev/shm";

    /**
     * Room a live region directory other than the store directory must keep free beyond the region.
     */
    public static final long LIVE_DIR_DEFAULT_HEADROOM = 64L * 1024 * 1024;

    /**
     * Page size: the unit of dirty tracking, copying and checksums.
     */
    public static final String PAGE_SIZE_PROP_NAME = "tidemark.store.page.size";

    /**
     * Page size when not set.
     */
    public static final int PAGE_SIZE_DEFAULT = 4096;

    /**
     * How long a checkpoint waits for the log to become durable before it aborts, e.g. "30s".
     */
    public static final String CHECKPOINT_DURABLE_TIMEOUT_PROP_NAME = "tidemark.store.checkpoint.durable.timeout";

    /**
     * Durable-log wait of a checkpoint when not set.
     */
    public static final long CHECKPOINT_DURABLE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Pages of anonymous memory where the writer saves pre-images during a checkpoint (0: off).
     */
    public static final String CHECKPOINT_PREIMAGE_PAGES_PROP_NAME = "tidemark.store.checkpoint.preimage.pages";

    /**
     * Bytes a checkpoint writes to its slot between two forces (0: force only at the commit).
     */
    public static final String CHECKPOINT_FLUSH_BYTES_PROP_NAME = "tidemark.store.checkpoint.flush.bytes";

    /**
     * Bytes a checkpoint writes between two forces when not set: 0, only at the commit (forcing every few MiB made
     * RECORDED acknowledgements during checkpoints slower here, not faster: perf-reports/2026-12-01-latency).
     */
    public static final int CHECKPOINT_FLUSH_BYTES_DEFAULT = 0;

    /**
     * Rate, in bytes per second, at which a checkpoint copies pages from the live region (0: as fast as it can).
     */
    public static final String CHECKPOINT_WRITE_RATE_PROP_NAME = "tidemark.store.checkpoint.write.rate";

    /**
     * Most operations in one batch.
     */
    public static final String MAX_BATCH_OPERATIONS_PROP_NAME = "tidemark.store.max.batch.operations";

    /**
     * Most operations in one batch when not set.
     */
    public static final int MAX_BATCH_OPERATIONS_DEFAULT = 1024;

    /**
     * Check that every call comes from the writer thread ("true" or "false"). Read once at class load.
     */
    public static final String CHECK_WRITER_THREAD_PROP_NAME = "tidemark.store.check.writer.thread";

    private StoreConfiguration()
    {
    }

    static boolean checkWriterThread()
    {
        return !"false".equals(System.getProperty(CHECK_WRITER_THREAD_PROP_NAME));
    }

    static int intProperty(final String name, final int defaultValue)
    {
        final String value = System.getProperty(name);
        if (null == value)
        {
            return defaultValue;
        }
        try
        {
            return Integer.parseInt(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("not an integer: " + name + "=" + value, ex);
        }
    }

    /**
     * @return the live region's directory from {@link #LIVE_DIR_PROP_NAME}: null for {@link #LIVE_DIR_STORE} (the
     *         store directory); unset, {@link #defaultLiveRegionDirectory()}.
     */
    static File liveRegionDirectory()
    {
        final String property = System.getProperty(LIVE_DIR_PROP_NAME);
        if (null == property)
        {
            return defaultLiveRegionDirectory();
        }
        return LIVE_DIR_STORE.equals(property) ? null : new File(property);
    }

    /**
     * @return the default live region directory: this user's own directory in {@link #LIVE_DIR_DEFAULT}
     *         ({@code /dev/shm/tidemark-<user name>}, made at the first open, mode 0700) if {@link #LIVE_DIR_DEFAULT}
     *         is a directory this process can write, else null (the store directory).
     */
    public static File defaultLiveRegionDirectory()
    {
        final File base = new File(LIVE_DIR_DEFAULT);
        return base.isDirectory() && base.canWrite() ? LiveRegionFiles.userDirectory(base) : null;
    }
}
