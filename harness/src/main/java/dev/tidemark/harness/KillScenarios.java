/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.harness.CrashHarness.Result;
import dev.tidemark.store.KillPoints;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.StoreKind;

import java.io.PrintStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.harness.CrashRun.MINUTE_NS;
import static dev.tidemark.harness.CrashRun.park;

/**
 * The kill cycles: a child JVM is started on a store, killed (kill -9 at a random moment, biased into checkpoints
 * and recovery, or halted at a named kill point), and the next child reopens the store and checks it against the
 * workload's model. Also the idle restart loop (nothing written, nothing may change or grow) and the second opener
 * that must be refused while another process holds the store.
 */
final class KillScenarios
{
    private final CrashRun crashRun;
    private final int cycles;
    private final Durability level;
    private final Random random;
    private final PrintStream out;

    KillScenarios(final CrashRun crashRun)
    {
        this.crashRun = crashRun;
        this.cycles = crashRun.cycles;
        this.level = crashRun.level;
        this.random = crashRun.random;
        this.out = crashRun.out;
    }

    void kill9(final Result result) throws Exception
    {
        final Lineage lineage = crashRun.lineage("kill9", level, null);
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            final ChildRun run = lineage.start("run");
            final double r = random.nextDouble();
            if (r < 0.15)
            {
                park(random.nextInt(400));
                if (!run.verified())
                {
                    result.recoveryKills++;
                }
            }
            else
            {
                if (!run.awaitVerified(MINUTE_NS))
                {
                    lineage.absorbDead(run, result);
                    crashRun.progress(result, cycle);
                    continue;
                }
                if (r < 0.45)
                {
                    if (run.awaitCheckpointAfter(run.checkpoints(), TimeUnit.SECONDS.toNanos(5)))
                    {
                        result.checkpointKills++;
                    }
                    park(random.nextInt(3));
                }
                else
                {
                    park(20 + random.nextInt(580));
                }
            }
            run.kill();
            lineage.absorb(run, result);
            crashRun.progress(result, cycle);
        }
        lineage.verify(result);
    }

    void killPoints(final Result result) throws Exception
    {
        final String[] points = {
            KillPoints.CHECKPOINT_BEFORE_DATA_FORCE, KillPoints.CHECKPOINT_AFTER_DATA_FORCE,
            KillPoints.CHECKPOINT_AFTER_HEADER_WRITE, KillPoints.CHECKPOINT_AFTER_HEADER_FORCE,
            KillPoints.OPEN_AFTER_SLOT_MAP, KillPoints.RECOVERY_MID_REPLAY, KillPoints.RECOVERY_BEFORE_RESUME };
        final Lineage lineage = crashRun.lineage("killpoints", level, null);
        for (final String point : points)
        {
            final ChildRun writer = lineage.start("run");
            if (writer.awaitVerified(MINUTE_NS))
            {
                park(100 + random.nextInt(300));
            }
            writer.kill();
            lineage.absorb(writer, result);

            final ChildRun halting = lineage.start("run", "-D" + KillPoints.PROPERTY_NAME + "=" + point);
            final boolean exited = halting.awaitExit(MINUTE_NS);
            if (exited && KillPoints.HALT_STATUS == halting.exitCode())
            {
                result.pointsReached.add(point);
            }
            else
            {
                result.notes.add("kill point " + point + " not reached" + (exited ? " (exit " +
                    halting.exitCode() + ")" : " within 60 s"));
                halting.kill();
            }
            lineage.absorb(halting, result);
            result.cycles++;
            out.printf("  killpoints: %s %s%n", point,
                result.pointsReached.contains(point) ? "reached" : "NOT reached");
        }
        lineage.verify(result);
        if (result.pointsReached.size() != points.length)
        {
            result.fail("not every kill point was reached: " + result.notes);
        }
    }

    void recoveryCrash(final Result result) throws Exception
    {
        final Lineage lineage = crashRun.lineage("recoverycrash", level, null);
        final int rounds = Math.max(2, cycles / 10);
        for (int round = 0; round < rounds; round++)
        {
            final ChildRun writer = lineage.start("run");
            if (writer.awaitVerified(MINUTE_NS))
            {
                park(200 + random.nextInt(400));
            }
            writer.kill();
            lineage.absorb(writer, result);
            for (int i = 0; i < 3; i++)
            {
                final ChildRun recovering = lineage.start("run");
                park(30 + random.nextInt(300));
                if (!recovering.verified())
                {
                    result.recoveryKills++;
                }
                recovering.kill();
                lineage.absorb(recovering, result);
            }
            crashRun.progress(result, round);
        }
        lineage.verify(result);
        if (0 == result.recoveryKills)
        {
            result.notes.add("no kill landed inside recovery");
        }
    }

    void idle(final Result result) throws Exception
    {
        final Lineage lineage = crashRun.lineage("idle", level, null);
        final ChildRun writer = lineage.start("run");
        if (writer.awaitVerified(MINUTE_NS))
        {
            park(300);
        }
        writer.kill();
        lineage.absorb(writer, result);

        long digest = 0;
        long firstBytes = -1;
        int firstFiles = -1;
        final int loops = Math.max(5, cycles / 5);
        for (int i = 0; i < loops; i++)
        {
            final ChildRun idle = lineage.start("idle");
            if (!idle.awaitVerified(MINUTE_NS))
            {
                lineage.absorbDead(idle, result);
                continue;
            }
            park(50 + random.nextInt(200));
            idle.kill();
            lineage.absorb(idle, result);
            final long bytes = Directories.bytes(lineage.dir.toPath());
            final int files = Directories.files(lineage.dir.toPath());
            if (firstFiles < 0)
            {
                // The first restart that verified sets the baseline (one that failed is reported by absorbDead).
                digest = idle.digest();
                firstBytes = bytes;
                firstFiles = files;
            }
            else
            {
                if (idle.digest() != digest)
                {
                    result.fail("state digest changed across idle restarts at loop " + i);
                }
                if (files != firstFiles || bytes > firstBytes + 2L * 1024 * 1024)
                {
                    result.fail("store directory grew across idle restarts: files " + firstFiles + " -> " + files +
                        ", bytes " + firstBytes + " -> " + bytes);
                }
            }
        }
        result.notes.add(loops + " idle restarts, digest stable, " + firstFiles + " files");
    }

    void doubleOpen(final Result result) throws Exception
    {
        final Lineage lineage = crashRun.lineage("doubleopen", level, null);
        for (int i = 0; i < 3; i++)
        {
            final ChildRun holder = lineage.start("run");
            if (!holder.awaitVerified(MINUTE_NS))
            {
                lineage.absorbDead(holder, result);
                continue;
            }
            try (StateStore second = StateStore.open(
                new StoreContext().dir(lineage.dir).kind(StoreKind.DURABLE)))
            {
                result.fail("a second process opened the store while another held it (" + second.dir() + ")");
            }
            catch (final IllegalStateException ex)
            {
                if (!ex.getMessage().contains("already open by another process"))
                {
                    result.fail("unexpected refusal: " + ex.getMessage());
                }
            }
            holder.kill();
            lineage.absorb(holder, result);
        }
        lineage.verify(result);
        result.notes.add("second opener refused 3 of 3 times; reopen after kill -9 of the holder works");
    }
}
