/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.harness.CrashHarness.Result;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of the crash harness as its scenarios see it: the settings, the seeded random that every choice of every
 * scenario draws from in turn (so a seed replays the whole run), the progress lines, and the store directories
 * ({@link Lineage}s) made so far, whose driver directories are released when a scenario ends.
 */
final class CrashRun
{
    static final long MINUTE_NS = TimeUnit.MINUTES.toNanos(1);

    final int cycles;
    final Durability level;
    final File workDir;
    final List<String> childProperties;
    final PrintStream out;
    final Random random;
    private int lineageCount;
    private final List<Lineage> lineages = new ArrayList<>();

    CrashRun(
        final long seed, final int cycles, final Durability level, final File workDir,
        final List<String> childProperties, final PrintStream out)
    {
        this.cycles = cycles;
        this.level = level;
        this.workDir = workDir;
        this.childProperties = childProperties;
        this.out = out;
        this.random = new Random(seed);
    }

    /**
     * A new store directory in the work directory, named after the scenario and numbered across the run.
     */
    Lineage lineage(final String name, final Durability durability, final String aeronDir)
    {
        return lineage(new File(workDir, name + "-" + (lineageCount++)), durability, aeronDir);
    }

    /**
     * A new store in the given directory (on a filesystem the scenario mounted).
     */
    Lineage lineage(final File dir, final Durability durability, final String aeronDir)
    {
        final Lineage lineage = new Lineage(this, dir, durability, aeronDir);
        lineages.add(lineage);
        return lineage;
    }

    /**
     * The number the next store directory named after a scenario gets.
     */
    int lineageCount()
    {
        return lineageCount;
    }

    /**
     * A child killed with its embedded driver leaves the driver's directory (term buffers, in /dev/shm) behind until
     * the next open of the same store. Stores of finished scenarios are never opened again: delete theirs.
     */
    void releaseDriverDirectories()
    {
        for (final Lineage lineage : lineages)
        {
            lineage.deleteDriverDirectories();
        }
        lineages.clear();
    }

    /**
     * Count a cycle, and every tenth print where the scenario stands.
     */
    void progress(final Result result, final int cycle)
    {
        result.cycles++;
        if (0 == (cycle + 1) % 10)
        {
            out.printf("  %s: %d cycles, %d acknowledged, %d lost, %d holes, %d invariant violations%n",
                result.name, result.cycles, result.acknowledged, result.lost, result.holes, result.invariants);
        }
    }

    static void park(final long millis)
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    static String shorten(final String text)
    {
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }

    static boolean isRoot()
    {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Run a system command (mount, mkfs.xfs, strace) with its output discarded.
     *
     * @return its exit status, or -1 if it did not finish within 2 minutes.
     */
    static int exec(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(2, TimeUnit.MINUTES) ? process.exitValue() : -1;
    }
}
