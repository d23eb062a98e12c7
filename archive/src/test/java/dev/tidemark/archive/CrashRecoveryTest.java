/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A child JVM writing at each durability level is killed with SIGKILL, several times over: after each reopen every
 * acknowledged put is present, the state is exactly a prefix of what was issued, and the next child continues from
 * there.
 */
@org.junit.jupiter.api.Tag("slow")
class CrashRecoveryTest
{
    @TempDir
    File root;

    private File dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void shouldKeepEveryAcknowledgedPutAcrossKills(final Durability durability) throws Exception
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final Random random = new Random(seed);
        dir = new File(root, "store");
        long lastAcknowledged = -1;
        long replayedTotal = 0;
        for (int cycle = 0; cycle < 3; cycle++)
        {
            final Process child = ChildJvm.start(DurableChild.class, dir.getPath(), durability.name());
            final List<String> lines = new ArrayList<>();
            final Thread reader = ChildJvm.collect(child, lines);
            final long openDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ChildJvm.contains(lines, "OPEN ") && child.isAlive() && System.nanoTime() < openDeadline)
            {
                Thread.onSpinWait();
            }
            final long killAfterNs = TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(600));
            final long start = System.nanoTime();
            while (System.nanoTime() - start < killAfterNs && child.isAlive())
            {
                Thread.onSpinWait();
            }
            assertTrue(child.isAlive(), "child died by itself: " + ChildJvm.tail(lines));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            reader.join();

            final java.nio.ByteBuffer report = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(
                new File(dir.getPath() + ".report").toPath())).order(java.nio.ByteOrder.nativeOrder());
            final long issued = report.getLong(0);
            final long acknowledged = report.getLong(8);
            assertTrue(acknowledged > lastAcknowledged, "no progress in cycle " + cycle + ": " + ChildJvm.tail(lines));
            lastAcknowledged = acknowledged;
            replayedTotal += verifyPrefix(durability, seed, cycle, acknowledged, issued);
        }
        assertTrue(replayedTotal > 0, "no reopen replayed anything: the test did not exercise replay");
    }

    private long verifyPrefix(
        final Durability durability, final long seed, final int cycle, final long acknowledged, final long issued)
    {
        final String where = "durability=" + durability + " seed=" + seed + " cycle=" + cycle + " acknowledged=" +
            acknowledged + " issued=" + issued;
        try (DurableStore store = DurableStore.open(new DurableStoreContext().storeContext(new StoreContext().dir(dir)
            .keyLength(8).maxValueLength(16).capacity(2_000_000)).durability(durability)
            .errorHandler(Throwable::printStackTrace)))
        {
            final long k = store.size();
            System.out.println("recovered=" + k + " acknowledged+1=" + (acknowledged + 1) + " issued+1=" + (issued +
                1) + " " + where);
            assertTrue(k >= acknowledged + 1, "lost acknowledged puts: recovered " + k + " " + where);
            assertTrue(k <= issued + 1, "recovered more than issued: " + k + " " + where);
            assertEquals(k, store.sequence(), "one mutation per put: " + where);
            final UnsafeBuffer value = new UnsafeBuffer(new byte[16]);
            for (long key = 0; key < k; key++)
            {
                assertEquals(8, store.get(key, value, 0), "hole at key " + key + " " + where);
                assertEquals(key * 31 + 7, value.getLong(0), "wrong value at key " + key + " " + where);
            }
            assertFalse(store.contains(k), where);
            return store.recovery().replayedMessages();
        }
    }

    /**
     * Starting child JVMs with this test's classpath and the JVM flag.
     */
    static final class ChildJvm
    {
        static Process start(final Class<?> main, final String... args) throws IOException
        {
            final List<String> command = new ArrayList<>();
            command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
            command.add("--add-exports");
            command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
            command.add("-Xmx256m");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(main.getName());
            command.addAll(List.of(args));
            return new ProcessBuilder(command).redirectErrorStream(true).start();
        }

        static Thread collect(final Process process, final List<String> lines)
        {
            final Thread thread = new Thread(() ->
            {
                try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII)))
                {
                    for (String line; null != (line = reader.readLine()); )
                    {
                        synchronized (lines)
                        {
                            lines.add(line);
                        }
                    }
                }
                catch (final IOException ignore)
                {
                    // the child was killed mid-line
                }
            });
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        static boolean contains(final List<String> lines, final String prefix)
        {
            synchronized (lines)
            {
                for (final String line : lines)
                {
                    if (line.startsWith(prefix))
                    {
                        return true;
                    }
                }
                return false;
            }
        }

        static String tail(final List<String> lines)
        {
            synchronized (lines)
            {
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            }
        }
    }
}
