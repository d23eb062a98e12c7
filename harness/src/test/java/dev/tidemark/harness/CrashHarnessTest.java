/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The crash harness's short tier, and proof that it finds real bugs: a deliberate fault (acknowledging before the
 * archive recorded the write) must make it fail.
 */
@Tag("slow")
class CrashHarnessTest
{
    private static final int SHORT_TIER_CYCLES = 30;

    @TempDir
    File workDir;

    @Test
    void shouldPassEveryScenarioThatCanRunHereInTheShortTier() throws Exception
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final List<String> scenarios = Arrays.asList(CrashHarness.SCENARIOS);
        final CrashHarness harness = new CrashHarness(seed, SHORT_TIER_CYCLES, Durability.RECORDED,
            List.of(Durability.values()), workDir, List.of(), out);
        final List<CrashHarness.Result> results = harness.run(scenarios);
        final String report = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(report);

        assertEquals(harness.resultCount(scenarios), results.size());
        final List<String> failed = new ArrayList<>();
        for (final CrashHarness.Result result : results)
        {
            if (!result.passed())
            {
                failed.add(result.name + " (lost " + result.lost + ", holes " + result.holes + ", invariants " +
                    result.invariants + ")");
            }
            if (null == result.skipped)
            {
                assertTrue(result.childRuns > 0, result.name + " ran no child");
            }
            else
            {
                assertFalse(result.skipped.isEmpty(), result.name + " skipped without a reason");
            }
        }

        // The workload's shapes: what the harness must exercise, whatever the store does with it.
        final CrashHarness.Result kill9 = results.get(0);
        assertEquals("kill9", kill9.name);
        assertNull(kill9.skipped);
        assertTrue(kill9.batchesOverMtu > 0, "kill9 wrote no batch longer than one MTU:\n" + report);
        assertTrue(kill9.largestBatchLength > TransferWorkload.MTU_PAYLOAD, report);
        assertTrue(kill9.valuesAtMax > 0, "kill9 wrote no value of the maximum length:\n" + report);

        for (final Durability level : Durability.values())
        {
            final String name = "powerloss-" + level.name().toLowerCase();
            final CrashHarness.Result powerLoss = results.stream().filter((r) -> r.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " result:\n" + report));
            if (xfsAvailable())
            {
                assertNull(powerLoss.skipped, name + " skipped though xfsprogs is installed and we are root");
            }
        }
        final CrashHarness.Result cluster = results.stream().filter((r) -> r.name.equals("cluster")).findFirst()
            .orElseThrow(() -> new AssertionError("no cluster result:\n" + report));
        assertNull(cluster.skipped);
        assertTrue(cluster.cycles >= 3 && cluster.acknowledged > 0 && cluster.batchesOverMtu > 0 &&
            cluster.valuesAtMax > 0, "the cluster scenario's kills and shapes:\n" + report);
        assertTrue(failed.isEmpty(), "failed, seed " + seed + ": " + failed + "\n" + report);
        assertTrue(kill9.cycles >= SHORT_TIER_CYCLES, "at least " + SHORT_TIER_CYCLES + " kill -9 cycles");
        assertTrue(kill9.acknowledged > 0);
    }

    @Test
    void shouldCatchAcknowledgementsMadeBeforeTheArchiveRecordedThem() throws Exception
    {
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final List<CrashHarness.Result> results = new CrashHarness(
            seed, 20, Durability.RECORDED, workDir, List.of("-D" + CrashChild.FAULT_ACK_EARLY_PROP_NAME + "=true",
            // Batches within one MTU: the loss must come from the deliberate fault alone.
            "-D" + TransferWorkload.MAX_OPERATIONS_LENGTH_PROP_NAME + "=" + (TransferWorkload.MTU_PAYLOAD - 64)),
            out).run(List.of("kill9"));
        final String report = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(report);

        final CrashHarness.Result kill9 = results.get(0);
        assertFalse(kill9.passed(), "the harness missed acknowledgements made before recording, seed " + seed);
        assertTrue(kill9.lost > 0, report);
        assertTrue(report.contains("repro: mvn"), report);
    }

    @Test
    void shouldTimeRestartsAgainstTheRecoveryTimeObjectiveAndLoseNothing() throws Exception
    {
        // The objective is generous here (a minute): the scenario's mechanics and its oracle are what is tested; the
        // time it measures means something only on an idle machine (perf-reports).
        final long seed = Long.getLong("tidemark.test.seed", System.nanoTime());
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final List<CrashHarness.Result> results = new CrashHarness(seed, 3, Durability.RECORDED, workDir,
            List.of("-D" + CrashChild.RTO_MS_PROP_NAME + "=60000"), out).run(List.of("rto"));
        final String report = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        final CrashHarness.Result rto = results.get(0);
        assertTrue(rto.passed(), report);
        assertEquals(4, rto.recoveryMs.size(), "the create and three restarts, each timed: " + report);
        assertTrue(report.contains("objective 60000 ms: 2 restarts after kill -9"), report);
    }

    private static boolean xfsAvailable()
    {
        return "root".equals(System.getProperty("user.name")) && new File("/usr/sbin/mkfs.xfs").canExecute() &&
            new File("/usr/sbin/xfs_io").canExecute();
    }
}
