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
 */
public record RecoveryReport(
    long replayedMessages, long replayDurationNs, long recoveryDurationNs, long truncatedAt)
{
}
