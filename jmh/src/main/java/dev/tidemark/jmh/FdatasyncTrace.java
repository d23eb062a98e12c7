/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.HdrHistogram.Histogram;

import java.io.File;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The machine's raw fdatasync at a fixed rate, measured as {@link AckTrace} measures a SYNCED write: a 72-byte
 * positional write and an fdatasync of a file on the same file system (64 MiB, written out and forced first, so no
 * write extends it), each from its intended start (coordinated
 * omission corrected), so that a stall counts against every write it delayed. The baseline for "SYNCED
 * acknowledgement p99 within 2x the raw fdatasync p99", which a back-to-back sample of fdatasync alone (JMH's
 * {@code LogBaselineBenchmark.writeAndFdatasync}) does not give, since it lets a stall delay no one.
 * <pre>
 * FdatasyncTrace --out DIR --label NAME [--rate 1000] [--seconds 30]
 * </pre>
 */
public final class FdatasyncTrace
{
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int MESSAGE_LENGTH = 72;
    private static final long FILE_LENGTH = 64L * 1024 * 1024;

    private FdatasyncTrace()
    {
    }

    /**
     * @param args see the class comment.
     * @throws Exception if the file cannot be written.
     */
    public static void main(final String[] args) throws Exception
    {
        File out = null;
        String label = null;
        int rate = 1000;
        int seconds = 30;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--out" -> out = new File(args[i + 1]);
                case "--label" -> label = args[i + 1];
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        if (null == out || null == label || rate < 1 || seconds < 1)
        {
            throw new IllegalArgumentException("usage: FdatasyncTrace --out DIR --label NAME [--rate R] [--seconds S]");
        }
        if (!out.isDirectory() && !out.mkdirs())
        {
            throw new IllegalStateException("cannot create " + out);
        }
        final File dir = BenchmarkSupport.newDirectory("fdatasync-trace");
        final Histogram whole = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        final ByteBuffer message = ByteBuffer.allocateDirect(MESSAGE_LENGTH);
        try (FileChannel channel = FileChannel.open(new File(dir, "log.dat").toPath(), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            // Written out and forced before the clock starts, as a recording's segment is overwritten in place:
            // a write that extended the file would make each fdatasync commit the file's new size too.
            final ByteBuffer zeros = ByteBuffer.allocateDirect(1024 * 1024);
            for (long at = 0; at < FILE_LENGTH; at += zeros.capacity())
            {
                zeros.clear();
                while (zeros.hasRemaining())
                {
                    channel.write(zeros, at + zeros.position());
                }
            }
            channel.force(true);
            final long intervalNs = SECOND_NS / rate;
            final long operations = (long)seconds * rate;
            final long start = System.nanoTime();
            long position = 0;
            for (long i = 0; i < operations; i++)
            {
                final long intended = start + i * intervalNs;
                while (System.nanoTime() < intended)
                {
                    Thread.onSpinWait();
                }
                message.clear();
                message.putLong(0, i);
                while (message.hasRemaining())
                {
                    channel.write(message, position + message.position());
                }
                channel.force(false);
                position = (position + MESSAGE_LENGTH) % FILE_LENGTH;
                whole.recordValue(Math.min(whole.getHighestTrackableValue(), System.nanoTime() - intended));
            }
        }
        finally
        {
            BenchmarkSupport.delete(dir);
        }
        try (PrintStream hgrm = new PrintStream(new File(out, label + ".hgrm"), "US-ASCII"))
        {
            whole.outputPercentileDistribution(hgrm, 1000.0);
        }
        System.out.printf(Locale.ROOT, "%s: write + fdatasync of %d B at %,d/s for %d s: p50 %.2f / p99 %.2f / " +
            "p99.9 %.2f / p99.99 %.2f / max %.2f us%n", label, MESSAGE_LENGTH, rate, seconds,
            whole.getValueAtPercentile(50) / 1e3, whole.getValueAtPercentile(99) / 1e3,
            whole.getValueAtPercentile(99.9) / 1e3, whole.getValueAtPercentile(99.99) / 1e3, whole.getMaxValue() / 1e3);
    }
}
