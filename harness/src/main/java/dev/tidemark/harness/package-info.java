/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */

/**
 * Programs that use the durable store as users do: {@link dev.tidemark.harness.TradingDemo}, a trading book on the
 * embedded store (the README's demo), and {@link dev.tidemark.harness.CrashHarness}, the crash-kill recovery harness:
 * a supervisor that runs {@code CrashChild} JVMs on a seeded {@code TransferWorkload}, kills them, pulls the power on
 * their XFS image, damages their files ({@code Corruptor}, judged against {@code StoreInspection}'s own reading of the
 * files), and checks what the next child recovers against the workload's model.
 * <p>
 * The harness by concern: {@code CrashHarness} (command line, scenario catalogue, the run), {@code CrashRun} (what
 * the scenarios of one run share: settings, seeded random, progress lines), {@code Lineage} (one store directory
 * across its children, and the bookkeeping of what they intended, acknowledged and recovered), the scenarios
 * {@code KillScenarios} (kill -9, kill points, kills in recovery, idle restarts, a second opener),
 * {@code ExternalArchiveScenario}, {@code PowerLossScenario}, {@code CorruptionScenario} and
 * {@code StorageFaultScenarios} (fsync errors, a full disk), {@code CrashReport} (the closing table), and
 * {@code ChildRun} (one child JVM and what it reported). {@code Directories} deletes and measures directory trees
 * for the demo and the harness.
 * <p>
 * Threading: each program is single threaded apart from the threads that read its child processes' output; the
 * stores it opens are used by the thread that opened them.
 */
package dev.tidemark.harness;
