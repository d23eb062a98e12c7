/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
import org.openjdk.jmh.annotations.Fork;

import java.io.File;
import java.io.IOException;

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
    /**
     * The peer map as every Chronicle benchmark makes it: persisted to {@code map.dat} in {@code dir}, sized for
     * {@code entries} values of {@code valueLength} bytes, puts and removes that return nothing, keys 0 to entries - 1
     * filled with zero values.
     */
    static ChronicleMap<LongValue, byte[]> filledMap(
        final File dir, final String name, final int entries, final int valueLength) throws IOException
    {
        final LongValue key = Values.newHeapInstance(LongValue.class);
        final byte[] value = new byte[valueLength];
        final ChronicleMap<LongValue, byte[]> map = openMap(dir, name, entries, valueLength);
        for (long k = 0; k < entries; k++)
        {
            key.setValue(k);
            map.put(key, value);
        }
        return map;
    }

    /**
     * The peer map persisted to {@code map.dat} in {@code dir}, made or opened (a second process opens the first's).
     */
    static ChronicleMap<LongValue, byte[]> openMap(
        final File dir, final String name, final int entries, final int valueLength) throws IOException
    {
        return ChronicleMap.of(LongValue.class, byte[].class)
            .name(name)
            .entries(entries)
            .constantValueSizeBySample(new byte[valueLength])
            .putReturnsNull(true)
            .removeReturnsNull(true)
            .createPersistedTo(new File(dir, "map.dat"));
    }
}
