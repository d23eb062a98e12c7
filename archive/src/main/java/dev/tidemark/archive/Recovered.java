/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StateStore;
import io.aeron.ExclusivePublication;

/**
 * Everything a successful {@link Recovery} hands the durable store, as one immutable value: the restored store, the
 * archive and clients, the extended recording and its publication, and the report of what the open did. The store
 * takes ownership of every resource in it.
 *
 * @param store                   the restored state store, at the recording's stop position.
 * @param archive                 the archive, its clients and the embedded driver if any.
 * @param recording               the recording being extended.
 * @param publication             the publication extending it, at its stop position.
 * @param message                 the change message flyweight, sized for the store's longest single operation.
 * @param recordingSubscriptionId the archive's subscription recording the publication.
 * @param recordingCounterId      the archive's recording position counter of the extension.
 * @param durableLog              how far the recording is durable, bound to that counter.
 * @param forcer                  forces the recording's files before a checkpoint commits, or null when the archive
 *                                forces them itself.
 * @param errorHandler            the counting error handler every component reports to.
 * @param report                  what the open found and did.
 */
record Recovered(
    StateStore store,
    ArchiveConnection archive,
    RecordingIdentity recording,
    ExclusivePublication publication,
    ChangeMessageFlyweight message,
    long recordingSubscriptionId,
    int recordingCounterId,
    RecordingDurableLog durableLog,
    RecordingForcer forcer,
    CountingErrorHandler errorHandler,
    RecoveryReport report)
{
}
