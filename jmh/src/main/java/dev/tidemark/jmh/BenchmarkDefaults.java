/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The settings every benchmark shares, in one place (JMH's annotations are inherited): average time in
 * nanoseconds, per-thread state, 3 x 1 s warm-up, 5 x 1 s measurement, one fork with a fixed heap and Agrona's JVM
 * flag. A benchmark overrides what it needs to.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    BenchmarkDefaults.ADD_EXPORTS, BenchmarkDefaults.JDK_INTERNAL_MISC, BenchmarkDefaults.HEAP_MIN,
    BenchmarkDefaults.HEAP_MAX, BenchmarkDefaults.GC })
public abstract class BenchmarkDefaults
{
    static final String ADD_EXPORTS = "--add-exports";
    static final String JDK_INTERNAL_MISC = "java.base/jdk.internal.misc=ALL-UNNAMED";
    static final String HEAP_MIN = "-Xms1g";
    static final String HEAP_MAX = "-Xmx1g";
    static final String GC = "-XX:+UseParallelGC";

    /**
     * The fork flags above, for the report.
     */
    static final String[] FORK_FLAGS = { ADD_EXPORTS, JDK_INTERNAL_MISC, HEAP_MIN, HEAP_MAX, GC };
}
