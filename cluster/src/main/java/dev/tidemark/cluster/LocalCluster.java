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
 * Three members of a Tidemark cluster on this machine, each a child JVM running {@link ClusterMember#main} with this
 * JVM's classpath, under one root directory ({@code member-<id>/}, logs {@code member-<id>-run-<n>.log}); members
 * killed with SIGKILL and restarted on the same directories; their state read through {@link ProcessReader}. Used by
 * the demo, the benchmarks, the crash harness and the tests.
 */
public final class LocalCluster implements AutoCloseable
{
    /**
     * Members in a local cluster.
     */
    public static final int MEMBERS = 3;

    private final File root;
    private final int portBase;
    private final int maxValueLength;
    private final int capacity;
    private final Process[] processes = new Process[MEMBERS];
    private final int[] starts = new int[MEMBERS];

    /**
     * A cluster on a random port base in [20000, 29000).
     *
     * @param root           directory for the members' directories and logs.
     * @param maxValueLength the store's max value length (keys are longs).
     * @param capacity       the store's capacity.
     */
    public LocalCluster(final File root, final int maxValueLength, final int capacity)
    {
        this(root, maxValueLength, capacity, 20000 + 50 * ThreadLocalRandom.current().nextInt(180));
    }

    /**
     * A cluster on a given port base.
     *
     * @param root           directory for the members' directories and logs.
     * @param maxValueLength the store's max value length (keys are longs).
     * @param capacity       the store's capacity.
     * @param portBase       member {@code i} listens on {@code portBase + 10 i} to {@code + 4}.
     */
    public LocalCluster(final File root, final int maxValueLength, final int capacity, final int portBase)
    {
        this.root = root;
        this.portBase = portBase;
        this.maxValueLength = maxValueLength;
        this.capacity = capacity;
    }

    /**
     * @param id a member.
     * @return its settings.
     */
    public ClusterMember.Config config(final int id)
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

    /**
     * @return the endpoints clients connect to.
     */
    public String ingressEndpoints()
    {
        return config(0).ingressEndpoints();
    }

    /**
     * Start every member.
     *
     * @throws IOException if a JVM cannot be started.
     */
    public void startAll() throws IOException
    {
        for (int i = 0; i < MEMBERS; i++)
        {
            start(i);
        }
    }

    /**
     * Start a member (again), on its directory.
     *
     * @param id the member.
     * @throws IOException if the JVM cannot be started.
     */
    public void start(final int id) throws IOException
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
        if (!root.isDirectory() && !root.mkdirs())
        {
            throw new IOException("cannot make the cluster's directory: " + root);
        }
        final File log = new File(root, "member-" + id + "-run-" + (starts[id]++) + ".log");
        processes[id] = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log)).start();
    }

    /**
     * Kill a member with SIGKILL and wait for it to die.
     *
     * @param id the member.
     * @throws InterruptedException if interrupted while waiting.
     */
    public void kill(final int id) throws InterruptedException
    {
        final Process process = processes[id];
        process.destroyForcibly(); // SIGKILL on Linux
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("member " + id + " did not die after SIGKILL");
        }
        processes[id] = null;
    }

    /**
     * @param id a member.
     * @return true while its JVM runs.
     */
    public boolean isRunning(final int id)
    {
        return null != processes[id] && processes[id].isAlive();
    }

    /**
     * @param id a member.
     * @return the last lines of each of its runs' logs.
     */
    public String logs(final int id)
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

    /**
     * @return the last lines of every member's logs.
     */
    public String allLogs()
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < MEMBERS; i++)
        {
            text.append(logs(i));
        }
        return text.toString();
    }

    /**
     * @param id   a member.
     * @param text to look for.
     * @return true if any of the member's logs holds the text.
     */
    public boolean logContains(final int id, final String text)
    {
        for (int run = 0; run < starts[id]; run++)
        {
            try
            {
                if (new String(Files.readAllBytes(new File(root, "member-" + id + "-run-" + run + ".log").toPath()),
                    java.nio.charset.StandardCharsets.UTF_8).contains(text))
                {
                    return true;
                }
            }
            catch (final IOException ignore)
            {
                // not made yet
            }
        }
        return false;
    }

    /**
     * The member's state once its applied position reaches {@code position}, read through a {@link ProcessReader}:
     * each key and its value in hex.
     *
     * @param id        a member.
     * @param position  log position to wait for.
     * @param timeoutMs how long to wait.
     * @return the state.
     * @throws AssertionError if the member did not reach the position in time.
     */
    public Map<Long, String> awaitState(final int id, final long position, final long timeoutMs)
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

    /**
     * @param value bytes.
     * @return them in hex.
     */
    public static String hex(final DirectBuffer value)
    {
        final StringBuilder text = new StringBuilder(value.capacity() * 2);
        for (int i = 0; i < value.capacity(); i++)
        {
            text.append(Character.forDigit((value.getByte(i) >> 4) & 0xF, 16))
                .append(Character.forDigit(value.getByte(i) & 0xF, 16));
        }
        return text.toString();
    }

    /**
     * Run {@code idle} until the condition holds.
     *
     * @param condition to wait for.
     * @param timeoutMs how long.
     * @param idle      run between checks.
     * @param what      for the failure message.
     * @throws AssertionError on timeout.
     */
    public static void await(
        final BooleanSupplier condition, final long timeoutMs, final Runnable idle, final String what)
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

    /**
     * @return the root directory.
     */
    public File root()
    {
        return root;
    }

    /**
     * Kill every member still running and delete their media driver directories.
     */
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
