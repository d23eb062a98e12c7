/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.openjdk.jmh.annotations.Fork;

/**
 * The fork settings of the Chronicle peers (JMH's annotations are inherited): the shared ones, plus the JDK internals
 * Chronicle needs opened (its own list for Java 17) and its usage analytics off.
 */
@Fork(value = 1, jvmArgsAppend = {
    BenchmarkDefaults.ADD_EXPORTS, BenchmarkDefaults.JDK_INTERNAL_MISC, BenchmarkDefaults.HEAP_MIN,
    BenchmarkDefaults.HEAP_MAX, BenchmarkDefaults.GC,
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true" })
public abstract class ChronicleBenchmarkDefaults extends BenchmarkDefaults
{
}
