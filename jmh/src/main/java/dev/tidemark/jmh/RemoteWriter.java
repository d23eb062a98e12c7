/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The writer process of the cross-process reader benchmarks ({@link ProcessReaderBenchmark},
 * {@link ChronicleMapProcessReaderBenchmark}): it makes and fills the store or the map in a directory, prints READY,
 * then puts random keys at a fixed rate (each put waits for its intended start) until its standard input closes.
 * Arguments: {@code tidemark|chronicle DIR ENTRIES VALUE_LENGTH RATE}.
 */
public final class RemoteWriter
{
    private RemoteWriter()
    {
    }

    /**
     * Start a writer process with this JVM's own flags and classpath, and wait for it to be READY.
     */
    static Process start(final String kind, final File dir, final int entries, final int valueLength, final int rate)
        throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!flag.startsWith("-XX:CompileCommandFile") && !flag.startsWith("-agentlib"))
            {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RemoteWriter.class.getName());
        command.add(kind);
        command.add(dir.getPath());
        command.add(Integer.toString(entries));
        command.add(Integer.toString(valueLength));
        command.add(Integer.toString(rate));
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        for (String line; null != (line = out.readLine()); )
        {
            if ("READY".equals(line))
            {
                return process;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("the writer process ended before READY: exit " + process.waitFor());
    }

    /**
     * Stop a writer process: close its input, then wait (killing it if it does not end).
     */
    static void stop(final Process process) throws Exception
    {
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /**
     * @param args kind, directory, entries, value length, rate.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final String kind = args[0];
        final File dir = new File(args[1]);
        final int entries = Integer.parseInt(args[2]);
        final int valueLength = Integer.parseInt(args[3]);
        final long intervalNs = 1_000_000_000L / Integer.parseInt(args[4]);
        final long[] keys = BenchmarkSupport.randomKeys(1 << 20, 42);
        final Thread watcher = new Thread(() ->
        {
            try
            {
                while (System.in.read() >= 0)
                {
                    Thread.onSpinWait();
                }
            }
            catch (final Exception ignore)
            {
                // closed
            }
        });
        watcher.setDaemon(true);
        if ("chronicle".equals(kind))
        {
            try (ChronicleMap<LongValue, byte[]> map =
                ChronicleBenchmarkDefaults.filledMap(dir, "tidemark-process-reader-peer", entries, valueLength))
            {
                final LongValue key = Values.newHeapInstance(LongValue.class);
                final byte[] value = new byte[valueLength];
                ready(watcher);
                long next = System.nanoTime();
                for (int i = 0; watcher.isAlive(); i++)
                {
                    while (System.nanoTime() < next)
                    {
                        Thread.onSpinWait();
                    }
                    next += intervalNs;
                    key.setValue(keys[i & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] % entries);
                    value[0] = (byte)i;
                    map.put(key, value);
                }
            }
        }
        else
        {
            try (StateStore store = StateStore.open(new StoreContext().dir(dir).keyLength(8)
                .maxValueLength(valueLength).capacity(entries).errorHandler(Throwable::printStackTrace)))
            {
                final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(valueLength));
                for (long key = 0; key < entries; key++)
                {
                    value.putLong(0, key);
                    store.put(key, value, 0, valueLength);
                }
                ready(watcher);
                long next = System.nanoTime();
                for (int i = 0; watcher.isAlive(); i++)
                {
                    while (System.nanoTime() < next)
                    {
                        Thread.onSpinWait();
                    }
                    next += intervalNs;
                    final long key = keys[i & (BenchmarkSupport.KEY_SEQUENCE_LENGTH - 1)] % entries;
                    value.putLong(0, key + i);
                    store.put(key, value, 0, valueLength);
                }
                store.closeWithoutCheckpoint();
            }
        }
    }

    private static void ready(final Thread watcher)
    {
        watcher.start();
        System.out.println("READY");
        System.out.flush();
    }
}
