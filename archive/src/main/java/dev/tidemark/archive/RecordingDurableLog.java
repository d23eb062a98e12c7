/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.DurableLog;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;

/**
 * The store's recording as the checkpointer sees it: how far the archive has recorded it (its recording position
 * counter, once that counter is known and only while it still belongs to the recording), and, where the archive's
 * directory is on this host, a {@link RecordingForcer} that puts the log on disk up to a checkpoint's position
 * before the checkpoint commits.
 * <p>
 * Bound by the opening thread, read by the checkpointer's thread.
 */
final class RecordingDurableLog implements DurableLog
{
    private CountersReader counters;
    private volatile int counterId = CountersReader.NULL_COUNTER_ID;
    private volatile long counterRegistrationId;
    private volatile RecordingForcer forcer;

    void bind(final CountersReader counters, final int counterId, final RecordingForcer forcer)
    {
        this.counters = counters;
        this.forcer = forcer;
        this.counterRegistrationId = counters.getCounterRegistrationId(counterId);
        this.counterId = counterId; // a volatile write after the others: the checkpointer reads it first
    }

    public long durablePosition()
    {
        final int id = counterId;
        if (CountersReader.NULL_COUNTER_ID == id)
        {
            return -1;
        }
        final long position = counters.getCounterValue(id);
        // Read after the value: a counter freed and reused since would carry another registration id.
        if (CountersReader.RECORD_ALLOCATED != counters.getCounterState(id) ||
            counters.getCounterRegistrationId(id) != counterRegistrationId)
        {
            return -1;
        }
        return position;
    }

    public void forceTo(final long position) throws IOException
    {
        final RecordingForcer forcer = this.forcer;
        if (null != forcer)
        {
            forcer.forceTo(position);
        }
    }
}
