/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.store.ProcessReader;
import org.agrona.DirectBuffer;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Three cluster members, each a child JVM running {@link ClusterMember#main}, killed with SIGKILL and restarted on the
 * same directories; their state read through {@link ProcessReader}.
 */
final class MemberProcesses implements AutoCloseable
{
    static final int MEMBERS = 3;

    private final File root;
    private final int portBase;
    private final int maxValueLength;
    private final int capacity;
    private final Process[] processes = new Process[MEMBERS];
    private final int[] starts = new int[MEMBERS];

    MemberProcesses(final File root, final int maxValueLength, final int capacity)
    {
        this.root = root;
        this.portBase = 20000 + 50 * ThreadLocalRandom.current().nextInt(180);
        this.maxValueLength = maxValueLength;
        this.capacity = capacity;
    }

    ClusterMember.Config config(final int id)
    {
        return new ClusterMember.Config()
            .memberId(id)
            .dir(new File(root, "member-" + id))
            .portBase(portBase)
            .aeronDir("/dev/shm/tidemark-test-cluster-" + portBase + "-" + id)
            .maxValueLength(maxValueLength)
            .capacity(capacity)
            .leaderHeartbeatTimeoutMs(3_000)
            .launchTimeoutMs(60_000);
    }

    String ingressEndpoints()
    {
        return config(0).ingressEndpoints();
    }

    void startAll() throws IOException
    {
        for (int i = 0; i < MEMBERS; i++)
        {
            start(i);
        }
    }

    void start(final int id) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ClusterMember.class.getName());
        command.addAll(List.of(config(id).toArgs()));
        final File log = new File(root, "member-" + id + "-run-" + (starts[id]++) + ".log");
        processes[id] = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log)).start();
    }

    void kill(final int id) throws InterruptedException
    {
        final Process process = processes[id];
        process.destroyForcibly(); // SIGKILL on Linux
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("member " + id + " did not die after SIGKILL");
        }
        processes[id] = null;
    }

    boolean isRunning(final int id)
    {
        return null != processes[id] && processes[id].isAlive();
    }

    String logs(final int id)
    {
        final StringBuilder text = new StringBuilder();
        for (int run = 0; run < starts[id]; run++)
        {
            try
            {
                final File log = new File(root, "member-" + id + "-run-" + run + ".log");
                final List<String> lines = Files.readAllLines(log.toPath());
                text.append("--- member ").append(id).append(" run ").append(run).append(" (last lines)\n");
                for (int i = Math.max(0, lines.size() - 40); i < lines.size(); i++)
                {
                    text.append(lines.get(i)).append('\n');
                }
            }
            catch (final IOException ex)
            {
                text.append("(no log: ").append(ex).append(")\n");
            }
        }
        return text.toString();
    }

    String allLogs()
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < MEMBERS; i++)
        {
            text.append(logs(i));
        }
        return text.toString();
    }

    /**
     * The member's state once its applied position reaches {@code position}, read through a {@link ProcessReader}.
     */
    Map<Long, String> awaitState(final int id, final long position, final long timeoutMs)
    {
        final File dir = config(id).dir;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Throwable last = null;
        long seen = -1;
        while (System.nanoTime() - deadline < 0)
        {
            try (ProcessReader reader = ProcessReader.open(new File(dir, "state")))
            {
                seen = reader.position();
                if (seen >= position)
                {
                    final Map<Long, String> state = new HashMap<>();
                    reader.forEach((key, value) -> state.put(key.getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN),
                        hex(value)));
                    if (reader.position() == seen)
                    {
                        return state;
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                last = ex; // not admitted yet, restarting, or the file not made yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new AssertionError("member " + id + " did not reach position=" + position + " within " + timeoutMs +
            " ms (last seen position=" + seen + ", last error=" + last + ")\n" + logs(id));
    }

    static String hex(final DirectBuffer value)
    {
        final StringBuilder text = new StringBuilder(value.capacity() * 2);
        for (int i = 0; i < value.capacity(); i++)
        {
            text.append(Character.forDigit((value.getByte(i) >> 4) & 0xF, 16))
                .append(Character.forDigit(value.getByte(i) & 0xF, 16));
        }
        return text.toString();
    }

    static void await(final BooleanSupplier condition, final long timeoutMs, final Runnable idle, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            idle.run();
        }
    }

    File root()
    {
        return root;
    }

    public void close()
    {
        for (int i = 0; i < MEMBERS; i++)
        {
            if (null != processes[i])
            {
                processes[i].destroyForcibly();
                try
                {
                    processes[i].waitFor(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            org.agrona.IoUtil.delete(new File(config(i).aeronDir()), true);
        }
    }
}
