/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import java.util.Random;

import static dev.tidemark.harness.CrashRun.MINUTE_NS;
import static dev.tidemark.harness.CrashRun.park;

/**
 * The recovery-time objective under kill -9: children write with the objective as their only checkpoint policy (the
 * byte and time rules set out of reach), are killed after 0.5-3 s of writing, and the next child's restart, from
 * {@code open} to writable in a cold JVM with the embedded driver and archive, is timed. Fails if the restarts' p99
 * exceeds the objective, or on any loss, as every scenario does. Run by name only ({@code --scenario rto}), never in
 * {@code all}: it measures a time, which only means something on a machine doing nothing else.
 * <p>
 * The objective is {@value #DEFAULT_OBJECTIVE_MS} ms unless {@code --child-property tidemark.harness.rtoMs=N} says.
 */
final class RecoveryObjectiveScenario
{
    static final long DEFAULT_OBJECTIVE_MS = 2_000;

    private final CrashRun crashRun;
    private final int cycles;
    private final Random random;

    RecoveryObjectiveScenario(final CrashRun crashRun)
    {
        this.crashRun = crashRun;
        this.cycles = crashRun.cycles;
        this.random = crashRun.random;
    }

    void run(final CrashHarness.Result result) throws Exception
    {
        final long objectiveMs = objectiveMs();
        final Lineage lineage = crashRun.lineage("rto", crashRun.level, null);
        final String property = "-D" + CrashChild.RTO_MS_PROP_NAME + "=" + objectiveMs;
        final java.util.List<Double> restarts = new java.util.ArrayList<>();
        boolean created = false;
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            final ChildRun run = lineage.start("run", property);
            if (!run.awaitVerified(MINUTE_NS))
            {
                lineage.absorbDead(run, result);
                crashRun.progress(result, cycle);
                continue;
            }
            if (created)
            {
                restarts.add(run.openNs() / 1e6);
            }
            created = true; // the first open that came up created the store: every later one restarted after a kill
            park(500 + random.nextInt(2_500));
            run.kill();
            lineage.absorb(run, result);
            crashRun.progress(result, cycle);
        }
        lineage.verify(result);
        final double p50 = CrashReport.percentile(restarts, 50);
        final double p99 = CrashReport.percentile(restarts, 99);
        final double max = CrashReport.percentile(restarts, 100);
        result.notes.add(String.format(java.util.Locale.ROOT, "objective %d ms: %d restarts after kill -9, open to " +
            "writable (JVM start not counted) p50 %.0f, p99 %.0f, max %.0f ms; replayed up to %.0f messages", objectiveMs, restarts.size(), p50,
            p99, max, CrashReport.percentile(result.replayed, 100)));
        if (restarts.isEmpty())
        {
            result.fail("no restart to time");
        }
        else if (p99 > objectiveMs)
        {
            result.fail(String.format(java.util.Locale.ROOT, "restart p99 %.0f ms exceeds the recovery time " +
                "objective of %d ms", p99, objectiveMs));
        }
    }

    private long objectiveMs()
    {
        for (final String property : crashRun.childProperties)
        {
            final String prefix = "-D" + CrashChild.RTO_MS_PROP_NAME + "=";
            if (property.startsWith(prefix))
            {
                return Long.parseLong(property.substring(prefix.length()));
            }
        }
        return DEFAULT_OBJECTIVE_MS;
    }
}
