/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * The store replicated on Aeron Cluster: {@link dev.tidemark.cluster.ClusteredStoreService} applies the committed
 * cluster log to each member's mapped store, {@link dev.tidemark.cluster.ClusteredStoreClient} sends puts, removes
 * and batches and resends across failovers, {@link dev.tidemark.cluster.ClusterMember} runs one member.
 * <p>
 * Threading: the service runs on Aeron Cluster's service thread only (it is the store's writer); the client on the
 * one thread that makes requests and polls; readers of a member's state use {@link dev.tidemark.store.ProcessReader}
 * on any thread. See src/docs/cluster.md.
 */
package dev.tidemark.cluster;
