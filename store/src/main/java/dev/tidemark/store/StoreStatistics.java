/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import java.io.File;

/**
 * What a store found on open and has done since, read-only: one object per store, from
 * {@link StateStore#statistics()}, the same every call, its getters reading the store's current values as they change
 * (no snapshot is taken, nothing is allocated). Read it on the writer thread, as every call on a store.
 */
public final class StoreStatistics
{
    private final StateStore store;
    private final CheckpointLedger ledger;
    private final CheckpointHandshake handshake;
    private final long restoredPosition;
    private final long restoredSequence;
    private final long restoredCheckpointId;
    private final int restoredSlot;
    private final boolean restoredFromFallback;
    private final long openDurationNs;
    private final File liveRegionFile;

    StoreStatistics(
        final StateStore store,
        final CheckpointLedger ledger,
        final CheckpointHandshake handshake,
        final SlotRecord restored,
        final int restoredSlot,
        final boolean restoredFromFallback,
        final long openDurationNs,
        final File liveRegionFile)
    {
        this.store = store;
        this.ledger = ledger;
        this.handshake = handshake;
        this.restoredPosition = restored.position;
        this.restoredSequence = restored.sequence;
        this.restoredCheckpointId = restored.checkpointId;
        this.restoredSlot = restoredSlot;
        this.restoredFromFallback = restoredFromFallback;
        this.openDurationNs = openDurationNs;
        this.liveRegionFile = liveRegionFile;
    }

    /**
     * The live region's file, for a reader in <b>another</b> process, or an operator. Never open it in this process:
     * its lock is a POSIX record lock, which closing any descriptor this process has on the file drops.
     *
     * @return the file the live region is mapped from: in the live region directory (by default this user's own
     *         under /dev/shm), or {@code live.dat} in the store directory.
     */
    public File liveRegionFile()
    {
        return liveRegionFile;
    }

    /**
     * @return the log position of the snapshot the store was restored from on open.
     */
    public long restoredPosition()
    {
        return restoredPosition;
    }

    /**
     * @return the sequence of the snapshot the store was restored from on open.
     */
    public long restoredSequence()
    {
        return restoredSequence;
    }

    /**
     * @return the checkpoint id of the snapshot the store was restored from on open.
     */
    public long restoredCheckpointId()
    {
        return restoredCheckpointId;
    }

    /**
     * @return the slot restored from on open: 0 for A, 1 for B.
     */
    public int restoredSlot()
    {
        return restoredSlot;
    }

    /**
     * @return true if the newest slot failed verification on open and the store was restored from the older one.
     */
    public boolean restoredFromFallback()
    {
        return restoredFromFallback;
    }

    /**
     * @return nanoseconds open took: lock, header, slot verification and restoring the live region.
     */
    public long openDurationNs()
    {
        return openDurationNs;
    }

    /**
     * @return the sequence of the newest committed checkpoint.
     */
    public long lastCheckpointSequence()
    {
        return ledger.latestCommitted().sequence;
    }

    /**
     * @return checkpoints committed since open; the same count as {@link StateStore#checkpointsCommitted()}.
     */
    public long checkpointsCommitted()
    {
        return store.checkpointsCommitted();
    }

    /**
     * @return checkpoints aborted (log not durable in time) or failed since open.
     */
    public long checkpointsAborted()
    {
        return ledger.checkpointsAborted();
    }

    /**
     * @return nanoseconds from start to commit of the last checkpoint that ended.
     */
    public long lastCheckpointDurationNs()
    {
        return ledger.lastCheckpointDurationNs();
    }

    /**
     * @return pages the checkpointer copied for the last checkpoint that ended (not counting the writer's).
     */
    public int lastCheckpointPagesCopied()
    {
        return ledger.lastCheckpointPagesCopied();
    }

    /**
     * @return forces of the slot the last checkpoint that ended made while it copied, one each
     * {@link StoreContext#checkpointFlushBytes()} written (the commit's own force not counted).
     */
    public int lastCheckpointFlushes()
    {
        return ledger.lastCheckpointFlushes();
    }

    /**
     * @return pages the writer copied itself (into its pre-image ring, or into the slot), since open, because it
     * wrote to a page still pending.
     */
    public long writerPageCopies()
    {
        return handshake.writerCopies();
    }

    /**
     * @return pages the writer copied straight into a slot (its pre-image ring full or off) since open.
     */
    public long writerSlotCopies()
    {
        return handshake.writerSlotCopies();
    }

    /**
     * @return pages changed since the slot a checkpoint would write next last held an image.
     */
    public int dirtyPages()
    {
        return ledger.dirtyPagesOfNextTarget();
    }
}
