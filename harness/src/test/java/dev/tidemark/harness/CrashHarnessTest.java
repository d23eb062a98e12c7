/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    @TempDir
    File workDir;

    @Test
    void shouldPassEveryScenarioThatCanRunHereInTheShortTier() throws Exception
    {
        final long seed = System.nanoTime();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final List<CrashHarness.Result> results = new CrashHarness(
            seed, 50, Durability.RECORDED, workDir, List.of(), out).run(Arrays.asList(CrashHarness.SCENARIOS));
        final String report = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(report);

        assertEquals(CrashHarness.SCENARIOS.length, results.size());
        for (final CrashHarness.Result result : results)
        {
            assertTrue(result.passed(), result.name + " failed, seed " + seed + ":\n" + report);
            assertEquals(0, result.lost, result.name);
            assertEquals(0, result.holes, result.name);
            assertEquals(0, result.invariants, result.name);
            if (null == result.skipped)
            {
                assertTrue(result.childRuns > 0, result.name + " ran no child");
            }
        }
        final CrashHarness.Result kill9 = results.get(0);
        assertEquals("kill9", kill9.name);
        assertNull(kill9.skipped);
        assertTrue(kill9.cycles >= 50, "at least 50 kill -9 cycles");
        assertTrue(kill9.acknowledged > 0);
    }

    @Test
    void shouldCatchAcknowledgementsMadeBeforeTheArchiveRecordedThem() throws Exception
    {
        final long seed = System.nanoTime();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final List<CrashHarness.Result> results = new CrashHarness(
            seed, 30, Durability.RECORDED, workDir, List.of("-D" + DurableStore.FAULT_ACK_EARLY_PROP_NAME + "=true"),
            out).run(List.of("kill9"));
        final String report = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(report);

        final CrashHarness.Result kill9 = results.get(0);
        assertFalse(kill9.passed(), "the harness missed acknowledgements made before recording, seed " + seed);
        assertTrue(kill9.lost > 0, report);
        assertTrue(report.contains("repro: mvn"), report);
    }
}
