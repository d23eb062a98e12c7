/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The mapped state store: a hash table in a memory-mapped live region, checkpointed into two fsynced snapshot
 * slots (A/B) without stalling the writer, and reopened from the newest slot that verifies.
 * <p>
 * Entry point: {@link dev.tidemark.store.StateStore}, opened with a {@link dev.tidemark.store.StoreContext} (system
 * property names and defaults in {@link dev.tidemark.store.StoreConfiguration}), reporting what it found on open and
 * has done since through {@link dev.tidemark.store.StoreStatistics}, and handing out a
 * {@link dev.tidemark.store.ReadOnlyStore}. Inside: {@code StoreOpener} (the open as steps, ending in the immutable
 * {@code OpenedStore}), {@code StoreAccess} (the wired table and checkpointer, the reads and the call rules),
 * {@code HashTable}, {@code PageTracker}, {@code CheckpointHandshake}, {@code Checkpointer},
 * {@code CheckpointerDriver}, {@code CheckpointLedger},
 * {@code BatchCheck}; {@link dev.tidemark.store.OperationEncoder} is the one encoder of operations, for batches and
 * for the change stream alike. On-disk layouts, one class each:
 * {@link dev.tidemark.store.StoreHeaderDescriptor}, {@link dev.tidemark.store.SlotDescriptor},
 * {@link dev.tidemark.store.PageCrcTableDescriptor}, {@link dev.tidemark.store.TableDescriptor}; the batch
 * encoding the change stream carries: {@link dev.tidemark.store.BatchDescriptor}.
 * <p>
 * Threading: a single writer thread makes every call on a store. The checkpointer runs on its own thread (or
 * through an invoker, on a thread of the user's and on the writer waiting for a checkpoint, one duty cycle at a time
 * under a CAS guard) and shares with the writer only the checkpoint handshake, one class with both ends (the pending
 * set of the checkpoint in progress, claimed page by page by CAS on its bits, the page the copier is on, and the
 * writer's pre-image ring), and the request/result hand-offs of the checkpointer, published through volatile counters.
 * This package knows nothing of Aeron: it checkpoints "at position P" and reports "restored at position P".
 */
package dev.tidemark.store;
