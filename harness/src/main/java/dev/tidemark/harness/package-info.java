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
 * Threading: each program is single threaded apart from the threads that read its child processes' output; the
 * stores it opens are used by the thread that opened them.
 */
package dev.tidemark.harness;
