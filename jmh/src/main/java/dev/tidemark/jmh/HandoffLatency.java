/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import dev.tidemark.archive.DurableStore;
import dev.tidemark.archive.DurableStoreContext;
import dev.tidemark.archive.WriteHandoff;
import dev.tidemark.store.StoreContext;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.File;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end latency of a write handed to the writer ({@link WriteHandoff}): a producer thread offers puts of 64
 * bytes to random keys of a 1M-entry durable store (default settings: embedded driver and archive, default
 * checkpoints) at a fixed rate, and the writer runs the handoff as an Agent on its own thread. Each put's latency is
 * measured from its intended send time (start + i / rate: corrected for coordinated omission) to the moment the
 * producer sees it <em>applied</em> (in the store, readable by readers) and, separately, <em>durable</em> (the
 * archive recorded it). Between sends the producer spins on its completions, so it sees each within a loop turn.
 * <p>
 * The baseline, {@code direct}, is the same store written by the writer thread itself at the same rate: a put at
 * NONE, its latency to the put's return (applied) and to the durable position passing it (durable), the writer
 * polling the store while it waits to send, as a single-threaded application would.
 * <p>
 * Usage: {@code HandoffLatency OUTDIR [rate ...] [--seconds N] [--writer-idle backoff|yield|spin]}; for each rate
 * a direct run and a handoff run, one .hgrm per run and completion (microseconds) and a summary on stdout. Rates
 * default to 100000 and 500000; 5 s of warm-up at the same rate precede each run.
 */
public final class HandoffLatency
{
    private static final int ENTRIES = 1_000_000;
    private static final int VALUE_LENGTH = 64;
    private static final int TRACKED = 1 << 20;

    private HandoffLatency()
    {
    }

    /**
     * @param args OUTDIR [rate ...] [--seconds N].
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final File out = new File(args[0]);
        int seconds = 20;
        String idle = "backoff";
        final java.util.List<Integer> rates = new java.util.ArrayList<>();
        for (int i = 1; i < args.length; i++)
        {
            if ("--seconds".equals(args[i]))
            {
                seconds = Integer.parseInt(args[++i]);
            }
            else if ("--writer-idle".equals(args[i]))
            {
                idle = args[++i];
            }
            else
            {
                rates.add(Integer.parseInt(args[i]));
            }
        }
        if (rates.isEmpty())
        {
            rates.add(100_000);
            rates.add(500_000);
        }
        if (!out.isDirectory() && !out.mkdirs())
        {
            throw new IllegalStateException("cannot make " + out);
        }
        final PrintStream log = System.out;
        for (final int rate : rates)
        {
            runDirect(out, rate, seconds, log);
            run(out, rate, seconds, idle, log);
        }
    }

    private static void run(
        final File out, final int rate, final int seconds, final String idle, final PrintStream log) throws Exception
    {
        final File dir = BenchmarkSupport.newDirectory("handoff");
        try
        {
            final long[] keys = BenchmarkSupport.randomKeys(ENTRIES, 11);
            final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
            final DurableStore store = openFilled(dir, keys, value);
            final WriteHandoff handoff = new WriteHandoff(store, 1 << 22, 1, 1 << 16);
            final WriteHandoff.Producer producer = handoff.newProducer();
            final IdleStrategy idleStrategy = "spin".equals(idle) ? new BusySpinIdleStrategy() :
                "yield".equals(idle) ? new YieldingIdleStrategy() : new BackoffIdleStrategy();
            final AgentRunner runner = new AgentRunner(idleStrategy, Throwable::printStackTrace, null, handoff);
            AgentRunner.startOnThread(runner);
            try
            {
                measure(producer, keys, value, rate, 5, null, null); // warm-up
                final Histogram applied = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                final Histogram durable = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                final long sent = measure(producer, keys, value, rate, seconds, applied, durable);
                write(out, "handoff-" + idle + "-applied-" + rate, applied);
                write(out, "handoff-" + idle + "-durable-" + rate, durable);
                log.println(String.format(Locale.ROOT, "handoff rate=%d sent=%d seconds=%d writer idle=%s", rate, sent,
                    seconds, idle));
                summary(log, "applied", applied);
                summary(log, "durable", durable);
            }
            finally
            {
                runner.close(); // drains the ring and closes the store
            }
        }
        finally
        {
            BenchmarkSupport.delete(dir);
        }
    }

    private static DurableStore openFilled(final File dir, final long[] keys, final UnsafeBuffer value)
    {
        final DurableStore store = DurableStore.open(new DurableStoreContext().storeContext(new StoreContext()
            .dir(dir).keyLength(8).maxValueLength(VALUE_LENGTH).capacity(ENTRIES))
            .errorHandler(Throwable::printStackTrace));
        for (int i = 0; i < ENTRIES; i++)
        {
            value.putLong(0, i);
            store.put(keys[i], value, 0, VALUE_LENGTH, dev.tidemark.archive.Durability.NONE);
        }
        store.checkpointAndAwait();
        return store;
    }

    private static void runDirect(final File out, final int rate, final int seconds, final PrintStream log)
        throws Exception
    {
        final File dir = BenchmarkSupport.newDirectory("handoff-direct");
        final long[] keys = BenchmarkSupport.randomKeys(ENTRIES, 11);
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUE_LENGTH));
        try (DurableStore store = openFilled(dir, keys, value))
        {
            measureDirect(store, keys, value, rate, 5, null, null);
            final Histogram applied = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            final Histogram durable = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            final long sent = measureDirect(store, keys, value, rate, seconds, applied, durable);
            write(out, "direct-applied-" + rate, applied);
            write(out, "direct-durable-" + rate, durable);
            log.println(String.format(Locale.ROOT, "direct rate=%d sent=%d seconds=%d", rate, sent, seconds));
            summary(log, "applied", applied);
            summary(log, "durable", durable);
        }
        finally
        {
            BenchmarkSupport.delete(dir);
        }
    }

    private static long measureDirect(
        final DurableStore store,
        final long[] keys,
        final UnsafeBuffer value,
        final int rate,
        final int seconds,
        final Histogram applied,
        final Histogram durable)
    {
        final long[] intended = new long[TRACKED];
        final long[] positions = new long[TRACKED];
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        final long count = (long)rate * seconds;
        long seenDurable = 0;
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        for (long i = 0; i < count; i++)
        {
            final long sendAt = start + i * intervalNs;
            while (System.nanoTime() < sendAt)
            {
                store.poll();
                seenDurable = collectDurable(store.durablePosition(), seenDurable, i, intended, positions, durable);
            }
            value.putLong(0, i);
            final long position = store.put(
                keys[(int)(i & (keys.length - 1))], value, 0, VALUE_LENGTH, dev.tidemark.archive.Durability.NONE);
            if (null != applied)
            {
                applied.recordValue(Math.min(System.nanoTime() - sendAt, applied.getHighestTrackableValue()));
            }
            intended[(int)(i & (TRACKED - 1))] = sendAt;
            positions[(int)(i & (TRACKED - 1))] = position;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (seenDurable < count && System.nanoTime() < deadline)
        {
            store.poll();
            seenDurable = collectDurable(store.durablePosition(), seenDurable, count, intended, positions, durable);
        }
        return count;
    }

    /**
     * @return how many of the first {@code sent} puts are now durable, recording the newly durable ones.
     */
    private static long collectDurable(
        final long durablePosition,
        final long seen,
        final long sent,
        final long[] intended,
        final long[] positions,
        final Histogram histogram)
    {
        long next = seen;
        if (next < sent && positions[(int)(next & (TRACKED - 1))] <= durablePosition)
        {
            final long now = System.nanoTime();
            while (next < sent && positions[(int)(next & (TRACKED - 1))] <= durablePosition)
            {
                if (null != histogram)
                {
                    histogram.recordValue(Math.min(now - intended[(int)(next & (TRACKED - 1))],
                        histogram.getHighestTrackableValue()));
                }
                next++;
            }
        }
        return next;
    }

    private static long measure(
        final WriteHandoff.Producer producer,
        final long[] keys,
        final UnsafeBuffer value,
        final int rate,
        final int seconds,
        final Histogram applied,
        final Histogram durable)
    {
        final long[] intended = new long[TRACKED];
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
        final long count = (long)rate * seconds;
        final long base = producer.appliedTicket();
        long seenApplied = base;
        long seenDurable = producer.durableTicket();
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        long ticket = base;
        for (long i = 0; i < count; i++)
        {
            final long sendAt = start + i * intervalNs;
            while (System.nanoTime() < sendAt)
            {
                seenApplied = collect(producer.appliedTicket(), seenApplied, intended, applied);
                seenDurable = collect(producer.durableTicket(), seenDurable, intended, durable);
            }
            value.putLong(0, i);
            long offered;
            while ((offered = producer.offerPut(keys[(int)(i & (keys.length - 1))], value, 0, VALUE_LENGTH)) < 0)
            {
                if (WriteHandoff.CLOSED == offered)
                {
                    throw new IllegalStateException("handoff closed");
                }
                seenApplied = collect(producer.appliedTicket(), seenApplied, intended, applied);
                seenDurable = collect(producer.durableTicket(), seenDurable, intended, durable);
            }
            ticket = offered;
            intended[(int)(ticket & (TRACKED - 1))] = sendAt;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((seenApplied < ticket || seenDurable < ticket) && System.nanoTime() < deadline)
        {
            seenApplied = collect(producer.appliedTicket(), seenApplied, intended, applied);
            seenDurable = collect(producer.durableTicket(), seenDurable, intended, durable);
        }
        if (seenDurable < ticket)
        {
            throw new IllegalStateException("not durable within 120 s: ticket " + ticket + ", durable " + seenDurable);
        }
        return count;
    }

    private static long collect(final long upTo, final long seen, final long[] intended, final Histogram histogram)
    {
        if (upTo > seen)
        {
            final long now = System.nanoTime();
            for (long t = seen + 1; t <= upTo; t++)
            {
                if (null != histogram)
                {
                    histogram.recordValue(Math.min(now - intended[(int)(t & (TRACKED - 1))],
                        histogram.getHighestTrackableValue()));
                }
            }
        }
        return Math.max(upTo, seen);
    }

    private static void write(final File out, final String name, final Histogram histogram) throws Exception
    {
        try (PrintStream hgrm = new PrintStream(new File(out, name + ".hgrm"), "US-ASCII"))
        {
            histogram.outputPercentileDistribution(hgrm, 1000.0);
        }
    }

    private static void summary(final PrintStream log, final String what, final Histogram h)
    {
        log.println(String.format(Locale.ROOT,
            "  %-8s p50=%.2fus p90=%.2fus p99=%.2fus p99.9=%.2fus p99.99=%.2fus max=%.2fus n=%d", what,
            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
            h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
            h.getValueAtPercentile(99.99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount()));
    }
}
