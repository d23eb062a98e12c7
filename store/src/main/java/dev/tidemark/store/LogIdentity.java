/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * The log a store's positions belong to, kept in every checkpoint's record and restored on open, so that a store fed
 * from a log can check, on restart, that the log it finds is the one its snapshot was taken from.
 *
 * @param recordingId   the log's recording id.
 * @param initialTermId the log's initial term id.
 * @param termLength    the log's term length; 0 for a store that has never named a log.
 * @param mtuLength     the log's MTU length.
 */
public record LogIdentity(long recordingId, int initialTermId, int termLength, int mtuLength)
{
    /**
     * The identity of no log: what a new store, or a store never fed from a log, holds.
     */
    public static final LogIdentity NONE = new LogIdentity(0, 0, 0, 0);

    /**
     * @return true if this names no log (a term length of 0).
     */
    public boolean isNone()
    {
        return 0 == termLength;
    }

    static LogIdentity of(final SlotRecord record)
    {
        return new LogIdentity(record.recordingId, record.initialTermId, record.termLength, record.mtuLength);
    }
}
