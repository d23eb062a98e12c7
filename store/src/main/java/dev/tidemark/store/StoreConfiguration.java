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
     * Directory of the live region: {@link #LIVE_DIR_STORE} for the store directory, {@link #LIVE_DIR_SHM} for this
     * user's own under {@link #LIVE_DIR_DEFAULT}, or a path; unset, {@link #defaultLiveRegionDirectory()}. The live
     * region is never trusted after a crash; on tmpfs the kernel never writes it back to disk.
     */
    public static final String LIVE_DIR_PROP_NAME = "tidemark.store.live.dir";

    /**
     * The value of {@link #LIVE_DIR_PROP_NAME} that keeps the live region in the store directory.
     */
    public static final String LIVE_DIR_STORE = "store";

    /**
     * The value of {@link #LIVE_DIR_PROP_NAME} that puts the live region in this user's own directory under
     * {@link #LIVE_DIR_DEFAULT} whatever its page size ({@link #sharedMemoryLiveRegionDirectory()}).
     */
    public static final String LIVE_DIR_SHM = "shm";

    /**
     * The tmpfs under which a live region directory of this user's own is made
     * ({@link #sharedMemoryLiveRegionDirectory()}): memory a second process can map, never written back to disk. The
     * default only where that tmpfs maps files with huge pages ({@link #defaultLiveRegionDirectory()}); else the
     * store directory. Choose with {@link #LIVE_DIR_PROP_NAME} or {@code StoreContext.liveRegionDirectory}.
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
     * Whether the writer keeps the version stamps readers on other threads need ("true", the default, or "false").
     */
    public static final String READERS_PROP_NAME = "tidemark.store.readers";

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
     *         store directory), {@link #sharedMemoryLiveRegionDirectory()} for {@link #LIVE_DIR_SHM}; unset,
     *         {@link #defaultLiveRegionDirectory()}.
     */
    static File liveRegionDirectory()
    {
        final String property = System.getProperty(LIVE_DIR_PROP_NAME);
        if (null == property)
        {
            return defaultLiveRegionDirectory();
        }
        if (LIVE_DIR_SHM.equals(property))
        {
            return sharedMemoryLiveRegionDirectory();
        }
        return LIVE_DIR_STORE.equals(property) ? null : new File(property);
    }

    /**
     * @return whether the live region directory comes from the property's {@link #LIVE_DIR_SHM} or from the default,
     *         which the open checks and gives up for the store directory when unusable.
     */
    static boolean isCheckedLiveRegionDirectory()
    {
        final String property = System.getProperty(LIVE_DIR_PROP_NAME);
        return null == property || LIVE_DIR_SHM.equals(property);
    }

    /**
     * The default live region directory: {@link #sharedMemoryLiveRegionDirectory()} where the tmpfs there maps its
     * files with huge pages, else null (the store directory). On a tmpfs of small pages the table's random reads and
     * writes miss the TLB far more than on a file system whose page cache maps the file with 2 MiB folios (ext4 on
     * this machine's kernel, 6.18): measured here, a random put took 1.2-1.7x as long with the live region on such a
     * tmpfs (perf-reports/2026-12-02-live-region), which outweighs the writeback the store directory costs.
     *
     * @return the default live region directory, or null for the store directory.
     */
    public static File defaultLiveRegionDirectory()
    {
        return tmpfsMapsHugePages(readFirstLine("/sys/kernel/mm/transparent_hugepage/shmem_enabled"),
            mountOptions(LIVE_DIR_DEFAULT)) ? sharedMemoryLiveRegionDirectory() : null;
    }

    /**
     * @return this uid's own live region directory in {@link #LIVE_DIR_DEFAULT} ({@code /dev/shm/tidemark-<uid>},
     *         made at the first open that uses it, mode 0700) if {@link #LIVE_DIR_DEFAULT} is a directory this
     *         process can write and, if others can too, sticky; else null.
     */
    public static File sharedMemoryLiveRegionDirectory()
    {
        final File base = new File(LIVE_DIR_DEFAULT);
        if (!base.isDirectory() || !base.canWrite())
        {
            return null;
        }
        try
        {
            // Writable by others, it must be sticky, or another user could rename this user's directory in it.
            final int mode = (Integer)java.nio.file.Files.getAttribute(base.toPath(), "unix:mode");
            if (0 != (mode & 0002) && 0 == (mode & 01000))
            {
                return null;
            }
        }
        catch (final java.io.IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return null;
        }
        return LiveRegionFiles.userDirectory(base);
    }

    /**
     * @param shmemEnabled the content of {@code /sys/kernel/mm/transparent_hugepage/shmem_enabled} (the choice in
     *                     brackets), or null.
     * @param mountOptions the tmpfs mount's options, comma separated, or null.
     * @return whether files on that tmpfs are mapped with huge pages without an madvise: a {@code huge=always} or
     *         {@code huge=within_size} mount, or shmem_enabled forcing it.
     */
    static boolean tmpfsMapsHugePages(final String shmemEnabled, final String mountOptions)
    {
        if (null != shmemEnabled && (shmemEnabled.contains("[force]")))
        {
            return true;
        }
        if (null != mountOptions)
        {
            for (final String option : mountOptions.split(","))
            {
                if ("huge=always".equals(option) || "huge=within_size".equals(option))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static String mountOptions(final String mountPoint)
    {
        try
        {
            for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/mounts")))
            {
                final String[] fields = line.split(" ");
                if (fields.length > 3 && mountPoint.equals(fields[1]) && "tmpfs".equals(fields[2]))
                {
                    return fields[3];
                }
            }
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            // no /proc here: no huge pages known
        }
        return null;
    }

    private static String readFirstLine(final String path)
    {
        try
        {
            final java.util.List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(path));
            return lines.isEmpty() ? null : lines.get(0);
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return null;
        }
    }
}
