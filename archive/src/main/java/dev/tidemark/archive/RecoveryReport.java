/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

/**
 * What the open of a durable store found and did, fixed once the open returns: see {@link DurableStore#recovery()}.
 *
 * @param replayedMessages   change messages replayed from the recording onto the restored snapshot.
 * @param replayDurationNs   nanoseconds the replay took (the walk of the replayed frames, the replay request, to the
 *                           last message applied), 0 if there was nothing to replay.
 * @param recoveryDurationNs nanoseconds the open took, from the lock to accepting writes (restore, archive, replay,
 *                           extend).
 * @param truncatedAt        the position a torn log tail was cut at, or -1 if the log was whole.
 * @param storeOpenNs        nanoseconds of it restoring the mapped store: the lock, the header, the slots' verify,
 *                           the live region's copy and map.
 * @param archiveStartNs     nanoseconds of it starting (embedded) or connecting to (external) the media driver and
 *                           the archive.
 */
public record RecoveryReport(
    long replayedMessages,
    long replayDurationNs,
    long recoveryDurationNs,
    long truncatedAt,
    long storeOpenNs,
    long archiveStartNs)
{
    /**
     * @return nanoseconds of the open that were neither the store's restore, the archive's start nor the replay (which
     * includes the walk of the replayed frames): finding the recording, extending it, forcing the catalog, and on a
     * create the first checkpoint.
     */
    public long otherNs()
    {
        return Math.max(0, recoveryDurationNs - storeOpenNs - archiveStartNs - replayDurationNs);
    }
}
