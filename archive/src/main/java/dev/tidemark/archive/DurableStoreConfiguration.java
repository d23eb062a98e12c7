/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

/**
 * Fixed names and defaults of a durable store: the system properties {@link DurableStoreContext} reads as defaults,
 * and the change stream's fixed settings.
 */
public final class DurableStoreConfiguration
{
    /**
     * Control channel of the embedded archive and of clients on this host.
     */
    public static final String CONTROL_CHANNEL = "aeron:ipc";

    /**
     * Durability of writes that do not name one: {@code tidemark.durability} = none, recorded or synced.
     */
    public static final String DURABILITY_PROP_NAME = "tidemark.durability";

    /**
     * Use an embedded media driver and archive ("true", the default) or connect to external ones.
     */
    public static final String EMBEDDED_PROP_NAME = "tidemark.embedded";

    /**
     * Aeron directory of an external media driver (or of the embedded one, to choose it).
     */
    public static final String AERON_DIR_PROP_NAME = "tidemark.aeron.dir";

    /**
     * Archive id: the embedded archive's, or the external archive's.
     */
    public static final String ARCHIVE_ID_PROP_NAME = "tidemark.archive.id";

    /**
     * Archive id when not set ("TIDEMARK" in ASCII); fixed, so a restart finds its recording counters.
     */
    public static final long ARCHIVE_ID_DEFAULT = 0x5449_4445_4D41_524BL;

    /**
     * Term length of the change stream; fixed for the recording's life.
     */
    public static final int TERM_LENGTH_DEFAULT = 2 * 1024 * 1024;

    /**
     * MTU of the change stream: the longest message that is claimed in place rather than fragmented.
     */
    public static final int MTU_LENGTH_DEFAULT = 8192;

    /**
     * Segment file length of the recording: the unit retention purges by.
     */
    public static final int SEGMENT_FILE_LENGTH_DEFAULT = 32 * 1024 * 1024;

    /**
     * Free space below which the embedded archive refuses to start or extend a recording (bytes).
     */
    public static final String LOW_STORAGE_THRESHOLD_PROP_NAME = "tidemark.archive.low.storage.threshold";

    /**
     * Low-storage threshold when not set: Aeron Archive's own default, 128 MiB.
     */
    public static final long LOW_STORAGE_THRESHOLD_DEFAULT = 128L * 1024 * 1024;

    /**
     * Stream id of the change stream.
     */
    public static final int STREAM_ID_DEFAULT = 1001;

    /**
     * Stream id replays are received on.
     */
    public static final int REPLAY_STREAM_ID_DEFAULT = 1002;

    private DurableStoreConfiguration()
    {
    }
}
