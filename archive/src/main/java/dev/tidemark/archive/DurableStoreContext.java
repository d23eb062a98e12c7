/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.ArgumentChecks;
import dev.tidemark.store.DurableLog;
import dev.tidemark.store.StoreContext;
import io.aeron.archive.client.AeronArchive;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.ErrorHandler;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * Settings of a durable store. Call setters, then {@link DurableStore#open(DurableStoreContext)}, which concludes
 * it once.
 */
public final class DurableStoreContext
{
    private static final int MAX_MTU_LENGTH = 65504; // Aeron's limit: the largest UDP payload

    private boolean concluded;
    private StoreContext storeContext = new StoreContext();
    private Durability durability = Durability.valueOf(
        System.getProperty(DurableStoreConfiguration.DURABILITY_PROP_NAME, "recorded").toUpperCase());
    private boolean embedded = !"false".equals(System.getProperty(DurableStoreConfiguration.EMBEDDED_PROP_NAME));
    private String aeronDirectoryName = System.getProperty(DurableStoreConfiguration.AERON_DIR_PROP_NAME);
    private File archiveDirectory;
    private long archiveId = Long.getLong(DurableStoreConfiguration.ARCHIVE_ID_PROP_NAME,
        DurableStoreConfiguration.ARCHIVE_ID_DEFAULT);
    private int archiveFileSyncLevel = -1;
    private int termLength = DurableStoreConfiguration.TERM_LENGTH_DEFAULT;
    private int mtuLength = DurableStoreConfiguration.MTU_LENGTH_DEFAULT;
    private int segmentFileLength = DurableStoreConfiguration.SEGMENT_FILE_LENGTH_DEFAULT;
    private long lowStorageThreshold = Long.getLong(
        DurableStoreConfiguration.LOW_STORAGE_THRESHOLD_PROP_NAME,
            DurableStoreConfiguration.LOW_STORAGE_THRESHOLD_DEFAULT);
    private int streamId = DurableStoreConfiguration.STREAM_ID_DEFAULT;
    private int replayStreamId = DurableStoreConfiguration.REPLAY_STREAM_ID_DEFAULT;
    private String replayChannel = "aeron:ipc";
    private String controlRequestChannel = DurableStoreConfiguration.CONTROL_CHANNEL;
    private int controlRequestStreamId = AeronArchive.Configuration.localControlStreamId();
    private String controlResponseChannel = DurableStoreConfiguration.CONTROL_CHANNEL;
    private long backPressureTimeoutNs = TimeUnit.SECONDS.toNanos(1);
    private long durableTimeoutNs = TimeUnit.SECONDS.toNanos(10);
    private long recoveryTimeoutNs = TimeUnit.SECONDS.toNanos(120);
    private long checkpointIntervalNs = TimeUnit.SECONDS.toNanos(10);
    private long checkpointLogBytes = 64L * 1024 * 1024;
    private long recoveryTimeObjectiveNs;
    private ErrorHandler errorHandler;

    /**
     * Check settings and fill defaults; called by {@link DurableStore#open(DurableStoreContext)}.
     *
     * @return this.
     */
    public DurableStoreContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded: a Context opens one store");
        }
        concluded = true;
        if (null == storeContext.dir())
        {
            throw new IllegalArgumentException("store directory not set: dir=null (storeContext().dir(...))");
        }
        if (storeContext.isConcluded())
        {
            throw new IllegalStateException("storeContext already concluded: a StoreContext opens one store");
        }
        if (DurableLog.NONE != storeContext.durableLog())
        {
            throw new IllegalArgumentException("storeContext has a durableLog of its own: the durable store " +
                "supplies it (the archive's recording position), so leave it unset; durableLog=" +
                storeContext.durableLog());
        }
        if (null == durability)
        {
            throw new IllegalArgumentException(
                "default durability must be NONE, RECORDED or SYNCED: durability=null");
        }
        ArgumentChecks.checkPositive("backPressureTimeoutNs", backPressureTimeoutNs);
        ArgumentChecks.checkPositive("durableTimeoutNs", durableTimeoutNs);
        ArgumentChecks.checkPositive("recoveryTimeoutNs", recoveryTimeoutNs);
        ArgumentChecks.checkNotNegative("recoveryTimeObjectiveNs", recoveryTimeObjectiveNs);
        if (mtuLength <= DataHeaderFlyweight.HEADER_LENGTH || mtuLength > MAX_MTU_LENGTH ||
            0 != (mtuLength & (FrameDescriptor.FRAME_ALIGNMENT - 1)))
        {
            throw new IllegalArgumentException("mtuLength must be a multiple of " +
                FrameDescriptor.FRAME_ALIGNMENT + " above " + DataHeaderFlyweight.HEADER_LENGTH + " and at most " +
                MAX_MTU_LENGTH + ": mtuLength=" + mtuLength);
        }
        if (!embedded && null == aeronDirectoryName)
        {
            throw new IllegalArgumentException(
                "external media driver needs its Aeron directory: aeronDirectoryName=null");
        }
        if (archiveFileSyncLevel < 0)
        {
            archiveFileSyncLevel = Durability.SYNCED == durability ? 1 : 0;
        }
        if (!embedded && archiveFileSyncLevel < 1 && null == archiveDirectory)
        {
            // A checkpoint must never be ahead of the log as the disk holds it: either the archive forces
            // what it records, or the store forces the archive's files itself before each checkpoint commits.
            throw new IllegalArgumentException("an external archive at fileSyncLevel 0 needs its directory, " +
                "so that checkpoints can force the recording to disk first (else a power loss can leave the " +
                "snapshot ahead of the log): set archiveDirectory(dir) to the archive's directory on this " +
                "host, or run the archive with fileSyncLevel >= 1 and set archiveFileSyncLevel(1); " +
                "archiveFileSyncLevel=" + archiveFileSyncLevel + " archiveDirectory=null");
        }
        if (Durability.SYNCED == durability && archiveFileSyncLevel < 1)
        {
            throw new IllegalArgumentException(
                "durability SYNCED needs archiveFileSyncLevel >= 1: archiveFileSyncLevel=" + archiveFileSyncLevel);
        }
        if (Integer.bitCount(termLength) != 1 || termLength < 64 * 1024)
        {
            throw new IllegalArgumentException("termLength must be a power of two >= 64 KiB: " + termLength);
        }
        if (segmentFileLength < termLength || segmentFileLength % termLength != 0)
        {
            throw new IllegalArgumentException("segmentFileLength must be a multiple of termLength: " +
                "segmentFileLength=" + segmentFileLength + " termLength=" + termLength);
        }
        if (checkpointLogBytes <= 0 || checkpointIntervalNs <= 0)
        {
            throw new IllegalArgumentException("checkpoint policy must be positive: checkpointLogBytes=" +
                checkpointLogBytes + " checkpointIntervalNs=" + checkpointIntervalNs);
        }
        if (null == errorHandler)
        {
            errorHandler = null != storeContext.errorHandler() ? storeContext.errorHandler() :
                (throwable) -> throwable.printStackTrace(System.err);
        }
        return this;
    }

    /**
     * The settings of the mapped store inside the durable store: its directory (where the embedded archive lives
     * too, in its {@code archive} subdirectory; by default {@code -Dtidemark.store.dir}), key length, max value length, capacity, page size, live-region
     * directory, pre-image ring and checkpointer. The durable store sets four of them at open, overriding what they
     * hold: {@link StoreContext#kind(dev.tidemark.store.StoreKind) kind} (DURABLE), the
     * {@link StoreContext#durableLog(DurableLog) durable log} (the archive's recording position; refused if set), the
     * {@link StoreContext#errorHandler(org.agrona.ErrorHandler) error handler} (this context's, counted), and the
     * {@link StoreContext#checkpointDurableTimeoutNs(long) checkpoint's durable wait} ({@link #durableTimeoutNs()}).
     *
     * @param storeContext the mapped store's settings, not yet concluded.
     * @return this.
     * @throws NullPointerException if {@code storeContext} is null.
     */
    public DurableStoreContext storeContext(final StoreContext storeContext)
    {
        ArgumentChecks.checkNotNull(storeContext, "storeContext");
        this.storeContext = storeContext;
        return this;
    }

    /**
     * @return the mapped store's settings (a new {@link StoreContext} unless one was set), to read or change.
     */
    public StoreContext storeContext()
    {
        return storeContext;
    }

    /**
     * @return the store directory: the mapped store's, {@code storeContext().dir()}.
     */
    public File dir()
    {
        return storeContext.dir();
    }

    /**
     * @param durability durability of writes that do not name one (default RECORDED).
     * @return this.
     */
    public DurableStoreContext durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    /**
     * @return the default durability.
     */
    public Durability durability()
    {
        return durability;
    }

    /**
     * @param embedded launch a media driver and archive in this process (default) or connect to external ones.
     * @return this.
     */
    public DurableStoreContext embedded(final boolean embedded)
    {
        this.embedded = embedded;
        return this;
    }

    /**
     * @return whether the driver and archive are embedded.
     */
    public boolean embedded()
    {
        return embedded;
    }

    /**
     * @param aeronDirectoryName the media driver's directory (required for an external driver).
     * @return this.
     */
    public DurableStoreContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * @return the media driver's directory, or null for the embedded default.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param dir the directory of an external archive running on this host. With it, each checkpoint forces
     *            the store's recording to disk up to the checkpoint's position before committing, as it does
     *            for the embedded archive; required for an external archive at fileSyncLevel 0.
     * @return this.
     */
    public DurableStoreContext archiveDirectory(final File dir)
    {
        this.archiveDirectory = dir;
        return this;
    }

    /**
     * @return the external archive's directory, or null.
     */
    public File archiveDirectory()
    {
        return archiveDirectory;
    }

    /**
     * @param archiveId id of the archive (the embedded one's, or the external one's).
     * @return this.
     */
    public DurableStoreContext archiveId(final long archiveId)
    {
        this.archiveId = archiveId;
        return this;
    }

    /**
     * @return the archive id.
     */
    public long archiveId()
    {
        return archiveId;
    }

    /**
     * @param level the archive's fileSyncLevel: 0 none, 1 fdatasync of recordings, 2 with metadata. For an
     *              external archive, state what it is configured with. Default: 1 for SYNCED, else 0.
     * @return this.
     */
    public DurableStoreContext archiveFileSyncLevel(final int level)
    {
        this.archiveFileSyncLevel = level;
        return this;
    }

    /**
     * @return the archive's fileSyncLevel.
     */
    public int archiveFileSyncLevel()
    {
        return archiveFileSyncLevel;
    }

    /**
     * @param termLength term length of a new recording's stream.
     * @return this.
     */
    public DurableStoreContext termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    /**
     * @return the term length.
     */
    public int termLength()
    {
        return termLength;
    }

    /**
     * @param mtuLength MTU of a new recording's stream.
     * @return this.
     */
    public DurableStoreContext mtuLength(final int mtuLength)
    {
        this.mtuLength = mtuLength;
        return this;
    }

    /**
     * @return the MTU.
     */
    public int mtuLength()
    {
        return mtuLength;
    }

    /**
     * @param segmentFileLength segment file length of the embedded archive's recordings.
     * @return this.
     */
    public DurableStoreContext segmentFileLength(final int segmentFileLength)
    {
        this.segmentFileLength = segmentFileLength;
        return this;
    }

    /**
     * @return the segment file length.
     */
    public int segmentFileLength()
    {
        return segmentFileLength;
    }

    /**
     * @param bytes free space below which the embedded archive refuses to start or extend the recording, so open
     *              fails with a clear error rather than recording onto a full disk.
     * @return this.
     */
    public DurableStoreContext lowStorageThreshold(final long bytes)
    {
        this.lowStorageThreshold = bytes;
        return this;
    }

    /**
     * @return the embedded archive's low-storage threshold.
     */
    public long lowStorageThreshold()
    {
        return lowStorageThreshold;
    }

    /**
     * @param streamId stream id of the change stream.
     * @return this.
     */
    public DurableStoreContext streamId(final int streamId)
    {
        this.streamId = streamId;
        return this;
    }

    /**
     * @return the change stream's stream id.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * @param replayStreamId stream id for replays.
     * @return this.
     */
    public DurableStoreContext replayStreamId(final int replayStreamId)
    {
        this.replayStreamId = replayStreamId;
        return this;
    }

    /**
     * @return the replay stream id.
     */
    public int replayStreamId()
    {
        return replayStreamId;
    }

    /**
     * @param replayChannel channel replays are received on.
     * @return this.
     */
    public DurableStoreContext replayChannel(final String replayChannel)
    {
        this.replayChannel = replayChannel;
        return this;
    }

    /**
     * @return the replay channel.
     */
    public String replayChannel()
    {
        return replayChannel;
    }

    /**
     * @param channel the archive's control request channel (external archive).
     * @return this.
     */
    public DurableStoreContext controlRequestChannel(final String channel)
    {
        this.controlRequestChannel = channel;
        return this;
    }

    /**
     * @return the control request channel.
     */
    public String controlRequestChannel()
    {
        return controlRequestChannel;
    }

    /**
     * @param streamId the archive's control request stream id.
     * @return this.
     */
    public DurableStoreContext controlRequestStreamId(final int streamId)
    {
        this.controlRequestStreamId = streamId;
        return this;
    }

    /**
     * @return the control request stream id.
     */
    public int controlRequestStreamId()
    {
        return controlRequestStreamId;
    }

    /**
     * @param channel the control response channel.
     * @return this.
     */
    public DurableStoreContext controlResponseChannel(final String channel)
    {
        this.controlResponseChannel = channel;
        return this;
    }

    /**
     * @return the control response channel.
     */
    public String controlResponseChannel()
    {
        return controlResponseChannel;
    }

    /**
     * @param timeoutNs how long a write retries under back-pressure before failing with nothing applied.
     * @return this.
     */
    public DurableStoreContext backPressureTimeoutNs(final long timeoutNs)
    {
        this.backPressureTimeoutNs = timeoutNs;
        return this;
    }

    /**
     * @return the back-pressure deadline.
     */
    public long backPressureTimeoutNs()
    {
        return backPressureTimeoutNs;
    }

    /**
     * @param timeoutNs how long a durable write, or a checkpoint, waits for the recording position.
     * @return this.
     */
    public DurableStoreContext durableTimeoutNs(final long timeoutNs)
    {
        this.durableTimeoutNs = timeoutNs;
        return this;
    }

    /**
     * @return the durability deadline.
     */
    public long durableTimeoutNs()
    {
        return durableTimeoutNs;
    }

    /**
     * @param timeoutNs bound on each step of recovery (recording counter, replay progress).
     * @return this.
     */
    public DurableStoreContext recoveryTimeoutNs(final long timeoutNs)
    {
        this.recoveryTimeoutNs = timeoutNs;
        return this;
    }

    /**
     * @return the recovery step deadline.
     */
    public long recoveryTimeoutNs()
    {
        return recoveryTimeoutNs;
    }

    /**
     * @param intervalNs take a checkpoint when this long has passed since the last and the state changed.
     * @return this.
     */
    public DurableStoreContext checkpointIntervalNs(final long intervalNs)
    {
        this.checkpointIntervalNs = intervalNs;
        return this;
    }

    /**
     * @return the checkpoint interval.
     */
    public long checkpointIntervalNs()
    {
        return checkpointIntervalNs;
    }

    /**
     * @param bytes take a checkpoint when this much log has been written since the last: bounds replay on open.
     * @return this.
     */
    public DurableStoreContext checkpointLogBytes(final long bytes)
    {
        this.checkpointLogBytes = bytes;
        return this;
    }

    /**
     * @param objectiveNs how long a restart after a crash may take (0, the default: none); checkpoints come often
     *                    enough for it (see {@code RecoveryEstimate}), the byte and time rules as caps.
     * @return this.
     */
    public DurableStoreContext recoveryTimeObjectiveNs(final long objectiveNs)
    {
        ArgumentChecks.checkNotNegative("recoveryTimeObjectiveNs", objectiveNs);
        this.recoveryTimeObjectiveNs = objectiveNs;
        return this;
    }

    /**
     * @return the recovery-time objective in nanoseconds, 0 for none.
     */
    public long recoveryTimeObjectiveNs()
    {
        return recoveryTimeObjectiveNs;
    }

    /**
     * @return the log bytes between checkpoints.
     */
    public long checkpointLogBytes()
    {
        return checkpointLogBytes;
    }

    /**
     * @param errorHandler receives errors of the store, checkpointer, driver and archive clients.
     * @return this.
     */
    public DurableStoreContext errorHandler(final ErrorHandler errorHandler)
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
}
