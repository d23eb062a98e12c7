/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The durable store applications embed: a {@link dev.tidemark.store.StateStore} whose every mutation is first a
 * change message on an Aeron publication recorded by Aeron Archive, checkpointed at archive positions and recovered
 * on open by replaying the recording from the restored snapshot's position.
 * <p>
 * Entry point: {@link dev.tidemark.archive.DurableStore}, opened with a
 * {@link dev.tidemark.archive.DurableStoreContext} that contains the mapped store's
 * {@link dev.tidemark.store.StoreContext} (names and defaults in
 * {@link dev.tidemark.archive.DurableStoreConfiguration});
 * what the open did is its {@link dev.tidemark.archive.RecoveryReport}. The change message's layout is
 * {@link dev.tidemark.archive.ChangeMessageDescriptor}, read and written by
 * {@link dev.tidemark.archive.ChangeMessageFlyweight}.
 * <p>
 * By concern: the write path is {@code ChangeWriter} (validate, claim, encode, apply, commit, wait) over
 * {@code ChangePublisher}; the policies are {@code BackPressure}, {@code DurabilityWait}, {@code CheckpointPolicy}
 * and {@code Retention}, the counters {@code DurableStoreCounters}, and {@code CheckpointControl} starts checkpoints
 * and publishes their commits. Opening is {@code Recovery}, as steps that return what they found:
 * restore the store, {@code ArchiveConnection}, find the recording ({@code RecordingIdentity}),
 * {@code RecordingCheck} (the frame walk of {@code RecordingScan}), {@code RecordingReplay} (through
 * {@code LogReplayer}, cutting a torn tail), extend; its result is the immutable {@code Recovered}. Checkpoints reach
 * the log through {@code RecordingDurableLog}, which reads the recording position counter and, through
 * {@code RecordingForcer}, forces the recording to disk up to a checkpoint's position before it commits.
 * <p>
 * Threading: one writer thread makes every call on a {@code DurableStore}, {@code close()} included
 * ({@code claimWriter()} hands it over). The store's checkpointer thread (or its invoker) calls only the durable
 * log: a volatile-published counter id and registration id, and the forcer, which no other thread uses while a
 * checkpoint can run. The embedded media driver and archive run on their own SHARED-mode agent threads and are
 * reached only through Aeron's clients and counters.
 */
package dev.tidemark.archive;
