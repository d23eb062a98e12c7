/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Acknowledgements;
import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.archive.DurableStoreContext;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreReader;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo: a trading book on the embedded durable store (media driver and archive in process). It trades for a
 * while showing progress, with a risk check reading accounts through a {@link StoreReader} on a thread of its own
 * beside the writer, reports throughput and fill latency percentiles, restarts the store cleanly, then runs
 * the same book in a child JVM that it kills with SIGKILL mid-flight, and each time reports the recovery time and
 * checks the recovered state: the state is unchanged by a clean restart; after the kill, every acknowledged fill is
 * there, cash is conserved and positions net to zero.
 * <p>
 * Arguments, all optional, as name=value: {@code seconds} (10), {@code accounts} (20000), {@code durability}
 * (RECORDED), {@code acks} ({@code async}: each fill written at NONE and confirmed through {@link Acknowledgements}
 * once durable at that level, the latency taken to the confirmation; {@code sync}: each fill waits in its write),
 * {@code dir} (a new temporary directory, deleted at the end), {@code seed}.
 */
public final class TradingDemo
{
    private TradingDemo()
    {
    }

    /**
     * Run the demo.
     *
     * @param args name=value options.
     * @throws Exception on failure to start the child JVM.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length > 0 && "child".equals(args[0]))
        {
            child(new File(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            return;
        }
        final Map<String, String> options = new HashMap<>();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException("expected name=value, got: " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        final boolean ok = run(options, System.out);
        System.exit(ok ? 0 : 1);
    }

    /**
     * Run the demo, printing to {@code out}.
     *
     * @param options name=value options.
     * @param out     where to print.
     * @return true if every check passed.
     * @throws Exception on failure to start the child JVM.
     */
    public static boolean run(final Map<String, String> options, final PrintStream out) throws Exception
    {
        final int seconds = Integer.parseInt(options.getOrDefault("seconds", "10"));
        final int accounts = Integer.parseInt(options.getOrDefault("accounts", "20000"));
        final Durability durability = Durability.valueOf(options.getOrDefault("durability", "RECORDED"));
        final boolean asyncAcks = !"sync".equals(options.getOrDefault("acks", "async"));
        final long seed = Long.parseLong(options.getOrDefault("seed", Long.toString(System.nanoTime())));
        final boolean temporary = !options.containsKey("dir");
        final File dir = temporary ? Files.createTempDirectory("tidemark-demo").toFile() : new File(options.get("dir"));

        out.printf("Tidemark trading demo: %d accounts x %d instruments, durability %s acknowledged %s, %d s, " +
            "seed %d%n", accounts, TradingBook.INSTRUMENTS, durability, asyncAcks ? "asynchronously" :
            "in each write", seconds, seed);
        out.printf("store directory %s (embedded media driver and archive)%n%n", dir);
        boolean ok = true;
        try
        {
            final long digestAtClose;
            final long fillsAtClose;
            final long openStart = System.nanoTime();
            try (DurableStore store = DurableStore.open(context(dir, accounts, durability)))
            {
                out.printf("opened in %.1f ms (%d entries restored, %d messages replayed)%n",
                    ms(System.nanoTime() - openStart), store.size(), store.recovery().replayedMessages());
                final TradingBook book = new TradingBook(store, accounts);
                book.openAccounts();
                final long missing =
                    trade(store, book, new SplittableRandom(seed), durability, asyncAcks, seconds, out);
                ok &= report("the risk check never missed an account's cash", 0 == missing ? null :
                    missing + " reads of a cash key found nothing", out);
                digestAtClose = TradingBook.digest(store);
                fillsAtClose = TradingBook.fills(store);
                ok &= report("invariants before the restart", TradingBook.verify(store, accounts), out);
            }

            out.printf("%n== clean restart ==%n");
            final long cleanStart = System.nanoTime();
            try (DurableStore store = DurableStore.open(context(dir, accounts, durability)))
            {
                final long took = System.nanoTime() - cleanStart;
                out.printf("reopened in %.1f ms: %d fills, %d messages replayed%n",
                    ms(took), TradingBook.fills(store), store.recovery().replayedMessages());
                ok &= report("state identical to before the restart",
                    TradingBook.digest(store) == digestAtClose && TradingBook.fills(store) == fillsAtClose ?
                    null : "digest or fill count differs", out);
                ok &= report("invariants", TradingBook.verify(store, accounts), out);
            }

            out.printf("%n== crash restart: a child JVM trades with RECORDED acks and is killed with SIGKILL ==%n");
            ok &= crashRestart(dir, accounts, seed + 1, out);
        }
        finally
        {
            if (temporary)
            {
                Directories.delete(dir.toPath());
            }
        }
        out.printf("%n%s%n", ok ? "ALL CHECKS PASSED" : "A CHECK FAILED");
        return ok;
    }

    private static long trade(
        final DurableStore store,
        final TradingBook book,
        final SplittableRandom random,
        final Durability durability,
        final boolean asyncAcks,
        final int seconds,
        final PrintStream out)
    {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final Histogram interval = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        // Asynchronous: each fill is written at NONE and confirmed when its acknowledgement arrives; the latency is
        // from the fill's start to that moment, which is what a counterparty waits for.
        final int window = 1 << 14;
        final long[] startedAt = new long[window];
        final Acknowledgements acks = !asyncAcks || Durability.NONE == durability ? null :
            new Acknowledgements(store, (fill, position) ->
            {
                final long took = System.nanoTime() - startedAt[(int)fill & (window - 1)];
                latency.recordValue(Math.min(took, latency.getHighestTrackableValue()));
                interval.recordValue(Math.min(took, interval.getHighestTrackableValue()));
            }, window, 1 << 20);
        final RiskCheck risk = new RiskCheck(store.storeView().newReader(), book.accounts());
        final Thread riskThread = new Thread(risk, "risk-check");
        riskThread.start();
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long nextReport = start + TimeUnit.SECONDS.toNanos(1);
        long fills = 0;
        long fillsAtReport = 0;
        final long checkpointsAtStart = store.storeView().checkpointsCommitted();
        out.printf("%8s %12s %12s %12s %12s %12s%n", "second", "fills/s", "p50 us", "p99 us", "max us",
            "checkpoints");
        long now = start;
        while (now < end)
        {
            final long before = System.nanoTime();
            if (null == acks)
            {
                book.fill(random, durability);
                now = System.nanoTime();
                latency.recordValue(now - before);
                interval.recordValue(now - before);
            }
            else
            {
                final long fill = book.fill(random, Durability.NONE);
                startedAt[(int)fill & (window - 1)] = before;
                acks.track(fill, store.position());
                acks.poll();
                now = System.nanoTime();
            }
            fills++;
            if (0 == (fills & 1023))
            {
                store.poll();
            }
            if (now >= nextReport)
            {
                out.printf("%8d %12d %12.2f %12.2f %12.2f %12d%n", (now - start) / 1_000_000_000L,
                    fills - fillsAtReport, interval.getValueAtPercentile(50) / 1000.0,
                    interval.getValueAtPercentile(99) / 1000.0, interval.getMaxValue() / 1000.0,
                    store.storeView().checkpointsCommitted() - checkpointsAtStart);
                interval.reset();
                fillsAtReport = fills;
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
        }
        while (null != acks && acks.pending() > 0)
        {
            acks.poll();
        }
        final double elapsed = (now - start) / 1e9;
        risk.stop();
        try
        {
            riskThread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        out.printf("%n%d fills in %.1f s: %.0f fills/s (each fill: 4 reads and an atomic batch of 5 puts)%n",
            fills, elapsed, fills / elapsed);
        risk.report(elapsed, out);
        out.printf("fill latency at %s%s, microseconds: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  p99.99 %.2f  " +
            "max %.2f%n", durability, null == acks ? "" : " (from the fill to its acknowledgement)",
            latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(90) / 1000.0,
            latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0,
            latency.getValueAtPercentile(99.99) / 1000.0, latency.getMaxValue() / 1000.0);
        out.printf("checkpoints committed: %d (last took %.1f ms, copied %d pages)%n",
            store.storeView().checkpointsCommitted() - checkpointsAtStart,
            ms(store.storeView().statistics().lastCheckpointDurationNs()),
            store.storeView().statistics().lastCheckpointPagesCopied());
        return risk.missing();
    }

    private static boolean crashRestart(final File dir, final int accounts, final long seed, final PrintStream out)
        throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TradingDemo.class.getName());
        command.add("child");
        command.add(dir.getPath());
        command.add(Integer.toString(accounts));
        command.add(Long.toString(seed));
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        long acknowledged = -1;
        long killAt = Long.MAX_VALUE;
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)))
        {
            for (String line; null != (line = reader.readLine()); )
            {
                if (line.startsWith("ACK "))
                {
                    acknowledged = Long.parseLong(line.substring(4));
                    if (Long.MAX_VALUE == killAt)
                    {
                        killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                    }
                    if (System.nanoTime() >= killAt)
                    {
                        child.destroyForcibly();
                        break;
                    }
                }
                else
                {
                    out.println("child: " + line);
                }
            }
        }
        child.waitFor(30, TimeUnit.SECONDS);
        out.printf("child killed (exit %d) after acknowledging fill %d%n", child.exitValue(), acknowledged);

        final long start = System.nanoTime();
        try (DurableStore store = DurableStore.open(context(dir, accounts, Durability.RECORDED)))
        {
            final long took = System.nanoTime() - start;
            final long recovered = TradingBook.fills(store);
            out.printf("recovered in %.1f ms (of which replay and archive %.1f ms): %d fills, %d messages " +
                "replayed, restored from the snapshot at position %d%n", ms(took),
                ms(store.recovery().recoveryDurationNs()), recovered, store.recovery().replayedMessages(), store.storeView().statistics().restoredPosition());
            boolean ok = report("every acknowledged fill recovered (" + recovered + " >= " + acknowledged + ")",
                recovered >= acknowledged ? null : "lost " + (acknowledged - recovered) + " acknowledged fills", out);
            ok &= report("invariants after the crash", TradingBook.verify(store, accounts), out);
            return ok;
        }
    }

    private static void child(final File dir, final int accounts, final long seed)
    {
        final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
            StandardCharsets.US_ASCII);
        try (DurableStore store = DurableStore.open(context(dir, accounts, Durability.RECORDED)))
        {
            final TradingBook book = new TradingBook(store, accounts);
            book.openAccounts();
            final SplittableRandom random = new SplittableRandom(seed);
            while (true)
            {
                final long fills = book.fill(random, Durability.RECORDED);
                if (0 == (fills & 63))
                {
                    out.println("ACK " + fills);
                    out.flush();
                    store.poll();
                }
            }
        }
    }

    static DurableStoreContext context(final File dir, final int accounts, final Durability durability)
    {
        return new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8).maxValueLength(8)
            .capacity(TradingBook.capacityFor(accounts)))
            .durability(durability)
            .checkpointLogBytes(32L * 1024 * 1024)
            .checkpointIntervalNs(TimeUnit.SECONDS.toNanos(2))
            .errorHandler(Throwable::printStackTrace);
    }

    private static boolean report(final String check, final String failure, final PrintStream out)
    {
        out.printf("  [%s] %s%s%n", null == failure ? "ok" : "FAILED", check, null == failure ? "" : ": " + failure);
        return null == failure;
    }

    private static double ms(final long nanos)
    {
        return nanos / 1e6;
    }

    /**
     * A risk check on a thread of its own beside the trading writer: every 100 us it reads one random account's cash
     * and all its positions through a {@link StoreReader} (lock-free, never holding the writer up) and sums the
     * account's gross position. Every key it reads must be there: accounts are never removed.
     */
    static final class RiskCheck implements Runnable
    {
        private final StoreReader reader;
        private final int accounts;
        private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(1), 3);
        private volatile boolean running = true;
        private long checks;
        private long missing;
        private long grossPositions;

        RiskCheck(final StoreReader reader, final int accounts)
        {
            this.reader = reader;
            this.accounts = accounts;
        }

        public void run()
        {
            final org.agrona.concurrent.UnsafeBuffer value = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
            final SplittableRandom random = new SplittableRandom(7);
            while (running)
            {
                final int account = random.nextInt(accounts);
                final long before = System.nanoTime();
                long gross = 0;
                if (reader.get(TradingBook.cashKey(account), value, 0) != 8)
                {
                    missing++;
                }
                for (int instrument = 0; instrument < TradingBook.INSTRUMENTS; instrument++)
                {
                    if (reader.get(TradingBook.positionKey(account, instrument), value, 0) == 8)
                    {
                        gross += Math.abs(value.getLong(0));
                    }
                }
                latency.recordValue(Math.min(System.nanoTime() - before, latency.getHighestTrackableValue()));
                grossPositions += gross;
                checks++;
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        }

        void stop()
        {
            running = false;
        }

        void report(final double seconds, final PrintStream out)
        {
            out.printf("risk check beside the writer (StoreReader, its own thread): %d accounts checked, %.0f/s, " +
                "each 65 reads in p50 %.2f us, p99 %.2f us, max %.2f us; %d reads retried; %d cash keys missing%n",
                checks, checks / seconds, latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0, reader.retries(),
                missing);
        }

        long missing()
        {
            return missing;
        }
    }
}
