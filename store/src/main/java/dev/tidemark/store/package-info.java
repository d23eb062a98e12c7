/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The mapped state store: a hash table in a memory-mapped live region, checkpointed into two fsynced snapshot
 * slots (A/B) without stalling the writer, and reopened from the newest slot that verifies.
 * <p>
 * Entry point: {@link dev.tidemark.store.StateStore}. On-disk layouts, one class each:
 * {@link dev.tidemark.store.StoreHeaderDescriptor}, {@link dev.tidemark.store.SlotDescriptor},
 * {@link dev.tidemark.store.PageCrcTableDescriptor}, {@link dev.tidemark.store.TableDescriptor}; the batch
 * encoding the change stream carries: {@link dev.tidemark.store.BatchDescriptor}.
 * <p>
 * Threading: a single writer thread makes every call on a store. The checkpointer runs on its own thread (or
 * through an invoker, on a thread of the user's and on the writer waiting for a checkpoint, one duty cycle at a time
 * under a CAS guard) and shares with the writer only the pending-page set of the checkpoint in progress, coordinated
 * by CAS on its bits, and the request/result hand-offs published through volatile counters. This package knows nothing of Aeron: it checkpoints "at position P" and reports "restored at
 * position P".
 */
package dev.tidemark.store;
