/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One child JVM of the crash harness, and what it reported over its pipe.
 */
final class ChildRun
{
    private final Process process;
    private final Thread reader;
    private final List<String> tail = new ArrayList<>();
    private File reportFile;
    private volatile long checkpoints;
    private volatile long commits;
    private volatile long batchesOverMtu;
    private volatile long largestBatchLength;
    private volatile long largestBatchOperations;
    private volatile long valuesAtMax;
    private volatile boolean recovered;
    private volatile boolean verified;
    private volatile long recoveredK = -1;
    private volatile long openNs = -1;
    private volatile long replayed = -1;
    private volatile boolean fallback;
    private volatile long truncatedAt = -1;
    private volatile long verifiedK = -1;
    private volatile long digest;
    private volatile String violation;
    private volatile String failure;
    private volatile boolean ready;

    private final File transcript;

    private ChildRun(final Process process, final File transcript)
    {
        this.process = process;
        this.transcript = transcript;
        this.reader = new Thread(this::read, "crash-child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildRun start(
        final List<String> commandPrefix, final List<String> jvmProperties, final Class<?> main,
        final List<String> args) throws IOException
    {
        return start(commandPrefix, jvmProperties, main, args, null);
    }

    /**
     * Start a child; its standard error goes to {@code errorLog} (or is discarded), never into the pipe the
     * protocol lines travel on, where interleaved bytes could garble them.
     */
    static ChildRun start(
        final List<String> commandPrefix, final List<String> jvmProperties, final Class<?> main,
        final List<String> args, final File errorLog) throws IOException
    {
        final List<String> command = new ArrayList<>(commandPrefix);
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmProperties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectError(null == errorLog ?
            ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(errorLog));
        return new ChildRun(builder.start(), null == errorLog ? null : new File(errorLog.getPath() + ".out"));
    }

    private void read()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            java.io.Writer log = null == transcript ? java.io.Writer.nullWriter() :
                new java.io.BufferedWriter(new java.io.FileWriter(transcript, StandardCharsets.US_ASCII, true)))
        {
            log.write("--- child " + process.pid() + "\n");
            for (String line; null != (line = in.readLine()); )
            {
                log.write(line);
                log.write('\n');
                try
                {
                    onLine(line);
                }
                catch (final NumberFormatException ex)
                {
                    onLine("UNPARSED " + line);
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // killed mid-line
        }
    }

    private void onLine(final String line)
    {
        synchronized (tail)
        {
            tail.add(line);
            if (tail.size() > 40)
            {
                tail.remove(0);
            }
        }
        if (line.startsWith("CKPT "))
        {
            checkpoints++;
        }
        else if (line.startsWith("COMMIT "))
        {
            commits++;
        }
        else if (line.startsWith("SHAPES "))
        {
            batchesOverMtu = field(line, "overMtu");
            largestBatchLength = field(line, "largestLength");
            largestBatchOperations = field(line, "largestOperations");
            valuesAtMax = field(line, "valuesAtMax");
        }
        else if (line.startsWith("RECOVERED "))
        {
            recoveredK = field(line, "k");
            replayed = field(line, "replayed");
            openNs = field(line, "openNs");
            fallback = line.contains("fallback=true");
            truncatedAt = field(line, "truncatedAt");
            recovered = true;
        }
        else if (line.startsWith("VERIFIED "))
        {
            verifiedK = field(line, "k");
            digest = field(line, "digest");
            verified = true;
        }
        else if (line.startsWith("VIOLATION "))
        {
            violation = line.substring(10);
        }
        else if (line.startsWith("OPEN_FAILED ") || line.startsWith("WRITE_FAILED ") || line.startsWith("CRASHED "))
        {
            failure = line;
        }
        else if (line.startsWith("READY"))
        {
            ready = true;
        }
    }

    private static long field(final String line, final String name)
    {
        final int at = line.indexOf(name + "=");
        final int from = at + name.length() + 1;
        int to = line.indexOf(' ', from);
        to = to < 0 ? line.length() : to;
        return Long.parseLong(line.substring(from, to));
    }

    boolean awaitVerified(final long timeoutNs)
    {
        return await(timeoutNs, () -> verified);
    }

    boolean awaitReady(final long timeoutNs)
    {
        return await(timeoutNs, () -> ready);
    }

    boolean awaitCheckpointAfter(final long seen, final long timeoutNs)
    {
        return await(timeoutNs, () -> checkpoints > seen);
    }

    /**
     * Wait until the child reports a checkpoint committed after the first {@code seen}.
     */
    boolean awaitCommitAfter(final long seen, final long timeoutNs)
    {
        return await(timeoutNs, () -> commits > seen);
    }

    boolean awaitExit(final long timeoutNs)
    {
        try
        {
            final boolean exited = process.waitFor(timeoutNs, TimeUnit.NANOSECONDS);
            if (exited)
            {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            }
            return exited;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean await(final long timeoutNs, final java.util.function.BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (!condition.getAsBoolean())
        {
            if (!process.isAlive())
            {
                awaitExit(TimeUnit.SECONDS.toNanos(10));
                return condition.getAsBoolean();
            }
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        return true;
    }

    void kill()
    {
        process.destroyForcibly();
        awaitExit(TimeUnit.SECONDS.toNanos(30));
    }

    void signal(final String signal) throws IOException, InterruptedException
    {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    int exitCode()
    {
        return process.exitValue();
    }

    ChildRun reportFile(final File reportFile)
    {
        this.reportFile = reportFile;
        return this;
    }

    /**
     * Last operation the child intended, from its report file: read it once the child is dead.
     */
    long lastIntent()
    {
        return report()[0];
    }

    /**
     * Last operation the child acknowledged, from its report file: read it once the child is dead.
     */
    long lastAck()
    {
        return report()[1];
    }

    /**
     * Operation count of the newest checkpoint the child saw commit, or -1: read it once the child is dead.
     */
    long lastCheckpointed()
    {
        return report()[2];
    }

    /**
     * Log position of the last acknowledged operation, or -1: read it once the child is dead.
     */
    long lastAckPosition()
    {
        return report()[3];
    }

    void deleteReport()
    {
        if (null != reportFile && !reportFile.delete() && reportFile.exists())
        {
            throw new IllegalStateException("cannot delete " + reportFile);
        }
    }

    private long[] report()
    {
        try
        {
            return null == reportFile ? new long[]{ -1, -1, -1, -1 } : CrashChild.Report.read(reportFile);
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    long checkpoints()
    {
        return checkpoints;
    }

    long commits()
    {
        return commits;
    }

    long batchesOverMtu()
    {
        return batchesOverMtu;
    }

    long largestBatchLength()
    {
        return largestBatchLength;
    }

    long largestBatchOperations()
    {
        return largestBatchOperations;
    }

    long valuesAtMax()
    {
        return valuesAtMax;
    }

    boolean recovered()
    {
        return recovered;
    }

    boolean verified()
    {
        return verified;
    }

    long recoveredK()
    {
        return recoveredK;
    }

    long verifiedK()
    {
        return verifiedK;
    }

    long openNs()
    {
        return openNs;
    }

    long replayed()
    {
        return replayed;
    }

    boolean fallback()
    {
        return fallback;
    }

    long truncatedAt()
    {
        return truncatedAt;
    }

    long digest()
    {
        return digest;
    }

    String violation()
    {
        return violation;
    }

    String failure()
    {
        return failure;
    }

    String tail()
    {
        synchronized (tail)
        {
            return String.join(" | ", tail);
        }
    }
}
