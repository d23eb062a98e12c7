/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The crash-kill recovery harness: proves that nothing acknowledged is lost. A supervisor (this class) runs the
 * {@link TransferWorkload} in child JVMs ({@link CrashChild}), kills them at random moments (biased into checkpoints
 * and recovery) or makes them halt at named points, damages their files, fills their disk, fails their fsyncs or
 * pulls the power on their filesystem, and has the next child verify the recovered state against the model:
 * exactly the state after k operations, last acknowledged &lt;= k &lt;= last intended, invariants intact.
 * <pre>
 * crash --scenario all|kill9|external|killpoints|powerloss|corruption|diskfull|fsync|doubleopen|recoverycrash|idle|cluster|rto
 *       [--cycles N] [--seed S] [--level none|recorded|synced] [--dir workDir] [--child-property name=value]
 * </pre>
 * Prints a progress line per cycle and a table per scenario; exits 1 on any violation or unexpected failure.
 * Every failure prints its seed, scenario and a one-line command that reproduces it. Without {@code --level} the
 * scenarios run at RECORDED and powerloss runs once at each level (NONE, RECORDED, SYNCED), each with the oracle that
 * level promises after a power loss; with it, every scenario runs at that level. {@code rto} (restarts timed against
 * a recovery time objective) runs only when named, never in {@code all}.
 * <p>
 * This class holds the command line, the catalogue of scenarios and the run through them; the scenarios are in
 * {@link KillScenarios}, {@link ExternalArchiveScenario}, {@link PowerLossScenario}, {@link CorruptionScenario},
 * {@link StorageFaultScenarios} and {@link ClusterScenario}, the store directories they reopen in {@link Lineage}, what they share in
 * {@link CrashRun}, and the closing table in {@link CrashReport}.
 */
public final class CrashHarness
{
    static final String[] SCENARIOS = {
        "kill9", "external", "killpoints", "powerloss", "corruption", "diskfull", "fsync", "doubleopen",
        "recoverycrash", "idle", "cluster" };

    private final long seed;
    private final int cycles;
    private final Durability level;
    private final List<Durability> powerLossLevels;
    private final File workDir;
    private final List<String> childProperties;
    private final PrintStream out;
    private final CrashRun crashRun;
    private final KillScenarios kills;
    private final ExternalArchiveScenario external;
    private final PowerLossScenario powerLoss;
    private final CorruptionScenario corruption;
    private final StorageFaultScenarios storageFaults;

    CrashHarness(
        final long seed, final int cycles, final Durability level, final File workDir,
        final List<String> childProperties, final PrintStream out)
    {
        this(seed, cycles, level, List.of(level), workDir, childProperties, out);
    }

    /**
     * @param level           the level of every scenario but powerloss.
     * @param powerLossLevels the levels powerloss runs at, one result each.
     */
    CrashHarness(
        final long seed, final int cycles, final Durability level, final List<Durability> powerLossLevels,
        final File workDir, final List<String> childProperties, final PrintStream out)
    {
        this.seed = seed;
        this.cycles = cycles;
        this.level = level;
        this.powerLossLevels = powerLossLevels;
        this.workDir = workDir;
        this.childProperties = childProperties;
        this.out = out;
        this.crashRun = new CrashRun(seed, cycles, level, workDir, childProperties, out);
        this.kills = new KillScenarios(crashRun);
        this.external = new ExternalArchiveScenario(crashRun);
        this.powerLoss = new PowerLossScenario(crashRun);
        this.corruption = new CorruptionScenario(crashRun);
        this.storageFaults = new StorageFaultScenarios(crashRun);
    }

    /**
     * Command line entry.
     *
     * @param args see the class comment.
     * @throws Exception on a failure of the harness itself.
     */
    public static void main(final String[] args) throws Exception
    {
        String scenario = "all";
        int cycles = 50;
        long seed = System.nanoTime();
        Durability level = null;
        File dir = null;
        final List<String> properties = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--scenario": scenario = args[++i]; break;
                case "--cycles": cycles = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--level": level = Durability.valueOf(args[++i].toUpperCase()); break;
                case "--dir": dir = new File(args[++i]); break;
                case "--child-property": properties.add("-D" + args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        final boolean temporary = null == dir;
        final File workDir = temporary ? Files.createTempDirectory("tidemark-crash").toFile() : dir;
        final List<Result> results;
        try
        {
            results = new CrashHarness(seed, cycles, null == level ? Durability.RECORDED : level,
                null == level ? List.of(Durability.values()) : List.of(level), workDir, properties, System.out)
                .run(Arrays.asList("all".equals(scenario) ? SCENARIOS : scenario.split(",")));
        }
        finally
        {
            if (temporary)
            {
                Directories.delete(workDir.toPath());
            }
        }
        System.exit(results.stream().allMatch(Result::passed) ? 0 : 1);
    }

    /**
     * The results a run of these scenarios yields: one per scenario, and powerloss one per level.
     */
    int resultCount(final List<String> scenarios)
    {
        int count = 0;
        for (final String scenario : scenarios)
        {
            count += "powerloss".equals(scenario) ? powerLossLevels.size() : 1;
        }
        return count;
    }

    List<Result> run(final List<String> scenarios) throws Exception
    {
        Files.createDirectories(workDir.toPath());
        out.printf("crash harness: scenarios %s, cycles %d, level %s (powerloss at %s), seed %d, work dir %s%n",
            scenarios, cycles, level, powerLossLevels, seed, workDir);
        final List<Result> results = new ArrayList<>();
        final List<String> runs = new ArrayList<>();
        for (final String scenario : scenarios)
        {
            if ("powerloss".equals(scenario))
            {
                for (final Durability powerLossLevel : powerLossLevels)
                {
                    runs.add("powerloss-" + powerLossLevel.name().toLowerCase());
                }
            }
            else
            {
                runs.add(scenario);
            }
        }
        for (final String scenario : runs)
        {
            final Result result = new Result(scenario, repro(scenario));
            final long start = System.nanoTime();
            try
            {
                switch (scenario)
                {
                    case "kill9": kills.kill9(result); break;
                    case "external": external.run(result); break;
                    case "killpoints": kills.killPoints(result); break;
                    case "powerloss-none": powerLoss.run(result, Durability.NONE); break;
                    case "powerloss-recorded": powerLoss.run(result, Durability.RECORDED); break;
                    case "powerloss-synced": powerLoss.run(result, Durability.SYNCED); break;
                    case "corruption": corruption.run(result); break;
                    case "diskfull": storageFaults.diskFull(result); break;
                    case "fsync": storageFaults.fsync(result); break;
                    case "doubleopen": kills.doubleOpen(result); break;
                    case "recoverycrash": kills.recoveryCrash(result); break;
                    case "idle": kills.idle(result); break;
                    case "rto": new RecoveryObjectiveScenario(crashRun).run(result); break;
                    case "cluster": new ClusterScenario(crashRun).run(result); break;
                    default: throw new IllegalArgumentException("unknown scenario: " + scenario);
                }
            }
            catch (final Exception ex)
            {
                result.fail("harness error: " + CrashChild.oneLine(ex));
            }
            result.seconds = (System.nanoTime() - start) / 1e9;
            crashRun.releaseDriverDirectories();
            results.add(result);
            out.printf("%s: %s in %.1f s%n", scenario, result.status(), result.seconds);
        }
        CrashReport.printTable(results, out);
        return results;
    }

    private String repro(final String scenario)
    {
        final boolean powerLoss = scenario.startsWith("powerloss-");
        return "mvn -B -q -DskipTests -Pcrash -pl harness -am verify -Dcrash.args=\"--scenario " +
            (powerLoss ? "powerloss" : scenario) + " --cycles " + cycles + " --seed " + seed + " --level " +
            (powerLoss ? scenario.substring("powerloss-".length()) : level.name().toLowerCase()) +
            (childProperties.isEmpty() ? "" : " --child-property " + childProperties.get(0).substring(2)) + "\"";
    }

    /**
     * What one scenario found.
     */
    static final class Result
    {
        final String name;
        final String repro;
        int cycles;
        int childRuns;
        long acknowledged;
        long lost;
        long holes;
        long invariants;
        long landed;
        long notLanded;
        int fallbacks;
        int refusals;
        int recoveryKills;
        int checkpointKills;
        long batchesOverMtu;
        long largestBatchLength;
        long largestBatchOperations;
        long valuesAtMax;
        double seconds;
        String skipped;
        final List<Double> recoveryMs = new ArrayList<>();
        final List<Double> replayed = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<String> pointsReached = new ArrayList<>();

        Result(final String name, final String repro)
        {
            this.name = name;
            this.repro = repro;
        }

        void fail(final String failure)
        {
            failures.add(failure);
        }

        void skip(final String reason)
        {
            skipped = reason;
        }

        boolean passed()
        {
            return failures.isEmpty() && 0 == lost && 0 == holes && 0 == invariants;
        }

        String status()
        {
            if (null != skipped)
            {
                return "SKIPPED (" + skipped + ")";
            }
            return passed() ? "passed" : "FAILED";
        }
    }
}
