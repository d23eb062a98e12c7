/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The durable store applications embed: a {@link dev.tidemark.store.StateStore} whose every mutation is first a
 * change message on an Aeron publication recorded by Aeron Archive, checkpointed at archive positions and recovered
 * on open by replaying the recording from the restored snapshot's position.
 * <p>
 * Entry point: {@link dev.tidemark.archive.DurableStore} with its {@code Context}. The change message's layout is
 * {@link dev.tidemark.archive.ChangeMessageDescriptor}, read and written by
 * {@link dev.tidemark.archive.ChangeMessageFlyweight}. Opening is {@code Recovery}: restore, start or connect the
 * archive, walk the replayed range's frames ({@code RecordingScan}), replay ({@code LogReplayer}), cut a torn tail,
 * erase past the stop, extend. Checkpoints reach the log through {@code RecordingDurableLog}, which reads the
 * recording position counter and, through {@code RecordingForcer}, forces the recording to disk up to a checkpoint's
 * position before it commits.
 * <p>
 * Threading: one writer thread makes every call on a {@code DurableStore}, {@code close()} included
 * ({@code claimWriter()} hands it over). The store's checkpointer thread (or its invoker) calls only the durable
 * log: a volatile-published counter id and registration id, and the forcer, which no other thread uses while a
 * checkpoint can run. The embedded media driver and archive run on their own SHARED-mode agent threads and are
 * reached only through Aeron's clients and counters.
 */
package dev.tidemark.archive;
