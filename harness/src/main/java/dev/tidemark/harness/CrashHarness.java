/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.ArchiveLauncher;
import dev.tidemark.archive.Durability;
import dev.tidemark.store.KillPoints;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The crash-kill recovery harness: proves that nothing acknowledged is lost. A supervisor (this class) runs the
 * {@link TransferWorkload} in child JVMs ({@link CrashChild}), kills them at random moments (biased into checkpoints
 * and recovery) or makes them halt at named points, damages their files, fills their disk, fails their fsyncs or
 * pulls the power on their filesystem, and has the next child verify the recovered state against the model:
 * exactly the state after k operations, last acknowledged &lt;= k &lt;= last intended, invariants intact.
 * <pre>
 * crash --scenario all|kill9|external|killpoints|powerloss|corruption|diskfull|fsync|doubleopen|recoverycrash|idle
 *       [--cycles N] [--seed S] [--level none|recorded|synced] [--dir workDir] [--child-property name=value]
 * </pre>
 * Prints a progress line per cycle and a table per scenario; exits 1 on any violation or unexpected failure.
 * Every failure prints its seed, scenario and a one-line command that reproduces it. Without {@code --level} the
 * scenarios run at RECORDED and powerloss runs once at each level (NONE, RECORDED, SYNCED), each with the oracle that
 * level promises after a power loss; with it, every scenario runs at that level.
 */
public final class CrashHarness
{
    static final String[] SCENARIOS = {
        "kill9", "external", "killpoints", "powerloss", "corruption", "diskfull", "fsync", "doubleopen",
        "recoverycrash", "idle" };

    private static final long MINUTE_NS = TimeUnit.MINUTES.toNanos(1);

    private final long seed;
    private final int cycles;
    private final Durability level;
    private final List<Durability> powerLossLevels;
    private final File workDir;
    private final List<String> childProperties;
    private final PrintStream out;
    private final Random random;
    private int lineageCount;
    private final List<Lineage> lineages = new ArrayList<>();

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
        this.random = new Random(seed);
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
                deleteRecursively(workDir.toPath());
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
                    case "kill9": kill9(result); break;
                    case "external": external(result); break;
                    case "killpoints": killPoints(result); break;
                    case "powerloss-none": powerLoss(result, Durability.NONE); break;
                    case "powerloss-recorded": powerLoss(result, Durability.RECORDED); break;
                    case "powerloss-synced": powerLoss(result, Durability.SYNCED); break;
                    case "corruption": corruption(result); break;
                    case "diskfull": diskFull(result); break;
                    case "fsync": fsync(result); break;
                    case "doubleopen": doubleOpen(result); break;
                    case "recoverycrash": recoveryCrash(result); break;
                    case "idle": idle(result); break;
                    default: throw new IllegalArgumentException("unknown scenario: " + scenario);
                }
            }
            catch (final Exception ex)
            {
                result.fail("harness error: " + CrashChild.oneLine(ex));
            }
            result.seconds = (System.nanoTime() - start) / 1e9;
            releaseDriverDirectories();
            results.add(result);
            out.printf("%s: %s in %.1f s%n", scenario, result.status(), result.seconds);
        }
        Result.printTable(results, out);
        return results;
    }

    /**
     * A child killed with its embedded driver leaves the driver's directory (term buffers, in /dev/shm) behind until
     * the next open of the same store. Stores of finished scenarios are never opened again: delete theirs.
     */
    private void releaseDriverDirectories()
    {
        for (final Lineage lineage : lineages)
        {
            lineage.deleteDriverDirectories();
        }
        lineages.clear();
    }

    /**
     * The store id in a store directory's header (copy 0), or 0 if there is no readable header.
     */
    private long storeId(final File storeDir)
    {
        final File header = new File(storeDir, dev.tidemark.store.StoreHeaderDescriptor.HEADER_FILE_NAME);
        if (header.length() >= dev.tidemark.store.StoreHeaderDescriptor.COPY_LENGTH)
        {
            try
            {
                final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(Files.readAllBytes(header.toPath()))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                if (dev.tidemark.store.StoreHeaderDescriptor.MAGIC == bytes.getLong(0))
                {
                    return bytes.getLong(dev.tidemark.store.StoreHeaderDescriptor.STORE_ID_OFFSET);
                }
            }
            catch (final IOException ex)
            {
                out.println("could not read " + header + ": " + ex);
            }
        }
        return 0;
    }

    private String repro(final String scenario)
    {
        final boolean powerLoss = scenario.startsWith("powerloss-");
        return "mvn -B -q -DskipTests -Pcrash -pl harness -am verify -Dcrash.args=\"--scenario " +
            (powerLoss ? "powerloss" : scenario) + " --cycles " + cycles + " --seed " + seed + " --level " +
            (powerLoss ? scenario.substring("powerloss-".length()) : level.name().toLowerCase()) +
            (childProperties.isEmpty() ? "" : " --child-property " + childProperties.get(0).substring(2)) + "\"";
    }

    // ---------------------------------------------------------------------------------------------- scenarios

    private void kill9(final Result result) throws Exception
    {
        final Lineage lineage = new Lineage("kill9", level, null);
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
                    progress(result, cycle);
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
            progress(result, cycle);
        }
        lineage.verify(result);
    }

    private void killPoints(final Result result) throws Exception
    {
        final String[] points = {
            KillPoints.CHECKPOINT_BEFORE_DATA_FORCE, KillPoints.CHECKPOINT_AFTER_DATA_FORCE,
            KillPoints.CHECKPOINT_AFTER_HEADER_WRITE, KillPoints.CHECKPOINT_AFTER_HEADER_FORCE,
            KillPoints.OPEN_AFTER_SLOT_MAP, KillPoints.RECOVERY_MID_REPLAY, KillPoints.RECOVERY_BEFORE_RESUME };
        final Lineage lineage = new Lineage("killpoints", level, null);
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
            out.printf("  killpoints: %s %s%n", point, result.pointsReached.contains(point) ? "reached" : "NOT reached");
        }
        lineage.verify(result);
        if (result.pointsReached.size() != points.length)
        {
            result.fail("not every kill point was reached: " + result.notes);
        }
    }

    private void recoveryCrash(final Result result) throws Exception
    {
        final Lineage lineage = new Lineage("recoverycrash", level, null);
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
            progress(result, round);
        }
        lineage.verify(result);
        if (0 == result.recoveryKills)
        {
            result.notes.add("no kill landed inside recovery");
        }
    }

    private void idle(final Result result) throws Exception
    {
        final Lineage lineage = new Lineage("idle", level, null);
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
            final long bytes = directoryBytes(lineage.dir.toPath());
            final int files = directoryFiles(lineage.dir.toPath());
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

    private void doubleOpen(final Result result) throws Exception
    {
        final Lineage lineage = new Lineage("doubleopen", level, null);
        for (int i = 0; i < 3; i++)
        {
            final ChildRun holder = lineage.start("run");
            if (!holder.awaitVerified(MINUTE_NS))
            {
                lineage.absorbDead(holder, result);
                continue;
            }
            try (StateStore second = StateStore.open(
                new StoreContext().dir(lineage.dir).kind(dev.tidemark.store.StoreKind.DURABLE)))
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

    private void corruption(final Result result) throws Exception
    {
        final String[] kinds = Corruptor.KINDS;
        Lineage lineage = new Lineage("corruption", level, null);
        final int rounds = Math.max(kinds.length, cycles / 3);
        for (int i = 0; i < rounds; i++)
        {
            final String kind = kinds[i % kinds.length];
            final ChildRun writer = lineage.start("run");
            if (writer.awaitVerified(MINUTE_NS))
            {
                // Half the kills come right after a commit, when the older slot is intact; the rest land anywhere,
                // often while a checkpoint overwrites the older slot, when only the newest is valid.
                if (random.nextBoolean())
                {
                    writer.awaitCommitAfter(writer.commits(), TimeUnit.SECONDS.toNanos(5));
                }
                else
                {
                    park(200 + random.nextInt(400));
                }
            }
            writer.kill();
            final long lastAckPosition = writer.lastAckPosition();
            lineage.absorb(writer, result);
            if (!writer.verified() || null != writer.violation())
            {
                lineage = new Lineage("corruption", level, null);
                continue;
            }

            final Corruptor.Damage damage;
            try
            {
                damage = Corruptor.corrupt(kind, lineage.dir, random, lastAckPosition);
            }
            catch (final IllegalStateException ex)
            {
                result.fail(kind + " in " + lineage.dir.getName() + ": " + ex.getMessage());
                lineage = new Lineage("corruption", level, null);
                continue;
            }
            final boolean lenient = damage.mayLose > 0;
            final long ackedBefore = lineage.lastAck;
            final ChildRun reader = lineage.start("verify", lenient);
            if (!reader.awaitExit(MINUTE_NS))
            {
                reader.kill();
                result.fail(kind + " (" + damage.done + "): open neither finished nor failed within 60 s");
            }
            final String outcome;
            boolean followsModel = true;
            if (null != reader.failure() && reader.failure().startsWith("OPEN_FAILED"))
            {
                result.refusals++;
                result.childRuns++;
                reader.deleteReport();
                outcome = "refused: " + shorten(reader.failure().substring("OPEN_FAILED ".length()));
                if (!damage.mayRefuse)
                {
                    result.fail(kind + " (" + damage.done + "): expected " + damage.expected + "; but the open " +
                        "refused: " + reader.failure());
                }
                followsModel = false;
            }
            else
            {
                lineage.absorb(reader, result, lenient);
                if (!reader.verified())
                {
                    outcome = "opened, " + (null != reader.violation() ? "VIOLATION " + reader.violation() :
                        "did not verify: " + shorten(reader.tail()));
                    followsModel = false;
                }
                else
                {
                    outcome = "opened" + (reader.fallback() ? " from the older slot" : "") +
                        (reader.truncatedAt() >= 0 ? ", log cut at position " + reader.truncatedAt() : "") +
                        ", verified k=" + reader.verifiedK();
                    if (lenient && reader.verifiedK() < ackedBefore - damage.mayLose)
                    {
                        result.lost++;
                        result.fail("VIOLATION in " + lineage.dir.getName() + ": lost: after " + kind + " (" +
                            damage.done + ") recovered " + reader.verifiedK() + " operations, " + ackedBefore +
                            " were acknowledged and only the damaged last message may go");
                        followsModel = false;
                    }
                    if (null != damage.fallback && damage.fallback != reader.fallback())
                    {
                        result.fail(kind + " (" + damage.done + "): expected " + damage.expected + "; but the " +
                            "store restored from the " + (reader.fallback() ? "older" : "newest") + " slot");
                    }
                }
                if (!damage.mayOpen)
                {
                    result.fail(kind + " (" + damage.done + "): expected " + damage.expected + "; but the store " +
                        outcome);
                    followsModel = false;
                }
            }
            result.notes.add(kind + ": " + damage.done + "; expected " + shorten(damage.expected) + "; " + outcome);
            if (!followsModel)
            {
                lineage = new Lineage("corruption", level, null);
            }
            result.cycles++;
        }
    }

    private void fsync(final Result result) throws Exception
    {
        if (!new File("/usr/bin/strace").canExecute())
        {
            result.skip("strace not installed (apt-get install strace)");
            return;
        }
        if (0 != exec("/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "true"))
        {
            result.skip("strace cannot trace here (ptrace not permitted in this sandbox)");
            return;
        }
        final Lineage lineage = new Lineage("fsync", Durability.SYNCED, null);
        final ChildRun first = lineage.start("run");
        if (first.awaitVerified(MINUTE_NS))
        {
            park(200);
        }
        first.kill();
        lineage.absorb(first, result);

        for (int i = 0; i < 2; i++)
        {
            final List<String> strace = Arrays.asList("/usr/bin/strace", "-f", "-qq", "-o", "/dev/null",
                "-e", "trace=fdatasync,fsync", "-e", "inject=fdatasync:error=EIO:when=" + (200 + random.nextInt(300)) +
                "+");
            final ChildRun failing = lineage.startWithPrefix(strace, "run");
            final boolean exited = failing.awaitExit(2 * MINUTE_NS);
            if (!exited)
            {
                failing.kill();
                result.fail("store kept running for 2 minutes with every fdatasync failing (no fail-stop)");
            }
            else if (null == failing.failure() || !failing.failure().startsWith("WRITE_FAILED"))
            {
                result.fail("child ended without a write failure: exit " + failing.exitCode() + ": " + failing.tail());
            }
            else
            {
                result.notes.add("fail-stop: " + shorten(failing.failure()));
            }
            lineage.absorb(failing, result);
        }
        lineage.verify(result);
    }

    private void diskFull(final Result result) throws Exception
    {
        final File mount = new File(workDir, "diskfull-mnt");
        if (!isRoot() || !mount.mkdirs() && !mount.isDirectory())
        {
            result.skip("needs root to mount a small tmpfs");
            return;
        }
        if (0 != exec("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mount.getPath()))
        {
            result.skip("mount -t tmpfs failed (no privilege in this sandbox?)");
            return;
        }
        try
        {
            final Lineage lineage = new Lineage(new File(mount, "store"), level, null);
            lineage.properties.add("-Dtidemark.archive.low.storage.threshold=" + 1024 * 1024);
            final ChildRun first = lineage.start("run");
            if (first.awaitVerified(MINUTE_NS))
            {
                park(100);
            }
            first.kill();
            lineage.absorb(first, result);

            final File filler = new File(mount, "filler");
            // Another tenant fills the disk while the store writes.
            final ChildRun full = lineage.start("run");
            full.awaitVerified(MINUTE_NS);
            park(100);
            fillUntilFree(filler, mount, 0);
            final boolean exited = full.awaitExit(MINUTE_NS);
            if (!exited)
            {
                full.kill();
                result.notes.add("child still running after 60 s on a nearly full disk; killed");
            }
            else if (134 == full.exitCode() || full.tail().contains("SIGBUS") || full.tail().contains("InternalError"))
            {
                result.fail("JVM crashed on a full disk: exit " + full.exitCode() + ": " + full.tail());
            }
            else
            {
                result.notes.add("full disk: " + shorten(String.valueOf(full.failure())));
            }
            lineage.absorb(full, result);
            Files.deleteIfExists(filler.toPath());
            lineage.verify(result);
        }
        finally
        {
            releaseDriverDirectories();
            exec("umount", "-l", mount.getPath());
        }
    }

    /**
     * Power loss at one level: the store and its archive on a loop-mounted XFS image; kill -9, then
     * {@code xfs_io -x -c shutdown} (the log is not flushed, so whatever was not fsynced is gone), unmount, delete
     * the driver's tmpfs directory (a power loss takes /dev/shm too), mount again, and open. Every other kill comes
     * right after a checkpoint commits, when the fsynced snapshot is newest and the log behind it least synced.
     * Every other store is "aged" first: its first child is killed without a power loss and the filesystem synced,
     * as the kernel's writeback would have done for a store that has run for half a minute; the others lose power
     * from their first kill on, as a store created just before the power failed.
     * <p>
     * The oracle is what the level promises after a power loss. At every level the store must open and hold a prefix
     * of the operations issued (k at most the last intended, no hole, invariants intact). SYNCED also promises that
     * nothing acknowledged is lost (k at least the last acknowledged); NONE and RECORDED do not, so there the
     * acknowledged operations rolled back are counted, not failed.
     */
    private void powerLoss(final Result result, final Durability powerLevel) throws Exception
    {
        final String name = powerLevel.name().toLowerCase();
        if (!isRoot())
        {
            result.skip("needs root to loop-mount an XFS image");
            return;
        }
        if (!new File("/usr/sbin/mkfs.xfs").canExecute() || !new File("/usr/sbin/xfs_io").canExecute())
        {
            result.skip("xfsprogs not installed (mkfs.xfs, xfs_io): apt-get install xfsprogs");
            return;
        }
        final File image = new File(workDir, "powerloss-" + name + ".img");
        final File mount = new File(workDir, "powerloss-" + name + "-mnt");
        mount.mkdirs();
        try (RandomAccessFile file = new RandomAccessFile(image, "rw"))
        {
            file.setLength(512L * 1024 * 1024);
        }
        if (0 != exec("/usr/sbin/mkfs.xfs", "-q", "-f", image.getPath()) ||
            0 != exec("mount", "-o", "loop", image.getPath(), mount.getPath()))
        {
            result.skip("could not make and loop-mount an XFS image here (no loop devices?)");
            Files.deleteIfExists(image.toPath());
            return;
        }
        final boolean lenient = Durability.SYNCED != powerLevel;
        int stores = 0;
        int afterCommit = 0;
        int refused = 0;
        int refusedAfterCommit = 0;
        int belowCheckpoint = 0;
        int openedEmpty = 0;
        long rolledBack = 0;
        final Map<String, Integer> refusals = new LinkedHashMap<>();
        try
        {
            Lineage lineage = new Lineage(new File(mount, "store-" + stores++), powerLevel, null);
            boolean aging = false;
            boolean powerLost = false;
            boolean lastKillAfterCommit = false;
            final int rounds = Math.max(4, cycles / 8);
            for (int i = 0; i <= rounds; i++)
            {
                final boolean verifyOnly = i == rounds;
                final long ackedBefore = lineage.lastAck;
                final long checkpointedBefore = lineage.lastCheckpointed;
                final ChildRun run = lineage.start(verifyOnly ? "verify" : "run", powerLost && lenient);
                final boolean verified = verifyOnly ? run.awaitExit(MINUTE_NS) && run.verified() :
                    run.awaitVerified(MINUTE_NS);
                if (powerLost && null != run.failure() && run.failure().startsWith("OPEN_FAILED"))
                {
                    run.kill();
                    refused++;
                    refusedAfterCommit += lastKillAfterCommit ? 1 : 0;
                    result.refusals++;
                    result.childRuns++;
                    run.deleteReport();
                    result.fail("power loss at " + powerLevel + (lastKillAfterCommit ?
                        " (kill right after a checkpoint commit)" : "") + ": the store did not open in " +
                        lineage.dir.getName() + ": " + run.failure());
                    refusals.merge((lastKillAfterCommit ? "after a commit kill: " : "after a random kill: ") +
                        shorten(run.failure().replaceAll("[0-9]+", "#")), 1, Integer::sum);
                    lineage = new Lineage(new File(mount, "store-" + stores), powerLevel, null);
                    aging = 1 == stores++ % 2;
                    powerLost = false;
                    progress(result, i);
                    continue;
                }
                if (powerLost && verified)
                {
                    final long k = run.verifiedK();
                    rolledBack += Math.max(0, ackedBefore - k);
                    if (k < checkpointedBefore)
                    {
                        belowCheckpoint++;
                    }
                    if (run.recoveredK() < 0)
                    {
                        openedEmpty++;
                    }
                }
                lastKillAfterCommit = false;
                if (verifyOnly)
                {
                    lineage.absorb(run, result, powerLost && lenient);
                    if (!verified && null == run.violation())
                    {
                        result.fail("final verification did not complete in " + lineage.dir.getName() + ": " +
                            run.tail());
                    }
                    break;
                }
                if (verified)
                {
                    if (0 == i % 2)
                    {
                        lastKillAfterCommit = run.awaitCommitAfter(run.commits(), TimeUnit.SECONDS.toNanos(5));
                        afterCommit += lastKillAfterCommit ? 1 : 0;
                    }
                    else
                    {
                        park(100 + random.nextInt(500));
                    }
                }
                run.kill();
                final boolean pulled = !aging;
                if (aging)
                {
                    aging = false;
                    if (0 != exec("sync", "-f", mount.getPath()))
                    {
                        result.fail("could not sync the XFS image (sync -f)");
                        return;
                    }
                }
                else
                {
                    if (!pullThePower(mount, image))
                    {
                        result.fail("could not simulate the power loss (xfs_io shutdown, umount, mount)");
                        return;
                    }
                    lineage.deleteDriverDirectories();
                }
                lineage.absorb(run, result, powerLost && lenient);
                if (!verified)
                {
                    if (null == run.violation())
                    {
                        result.fail("child ended before verifying in " + lineage.dir.getName() + ": " + run.tail());
                    }
                    lineage = new Lineage(new File(mount, "store-" + stores), powerLevel, null);
                    aging = 1 == stores++ % 2;
                    powerLost = false;
                }
                else
                {
                    powerLost = pulled;
                }
                progress(result, i);
            }
            result.notes.add("XFS shutdown without log flush after each kill -9; " + afterCommit + " kills right " +
                "after a checkpoint commit; oracle: opens, prefix" + (lenient ? " (any k >= 0)" :
                ", k >= last acknowledged") + "; refused opens " + refused + " (" + refusedAfterCommit +
                " after a commit kill); " + stores + " store(s)");
            for (final Map.Entry<String, Integer> refusal : refusals.entrySet())
            {
                result.notes.add("refused " + refusal.getValue() + "x " + refusal.getKey());
            }
            if (lenient)
            {
                result.notes.add("acknowledged operations rolled back by power loss (allowed at " + powerLevel +
                    "): " + rolledBack + "; opens below the last committed checkpoint: " + belowCheckpoint +
                    "; opened empty: " + openedEmpty);
            }
        }
        finally
        {
            releaseDriverDirectories();
            exec("umount", "-l", mount.getPath());
            Files.deleteIfExists(image.toPath());
        }
    }

    private static boolean pullThePower(final File mount, final File image) throws IOException, InterruptedException
    {
        return 0 == exec("/usr/sbin/xfs_io", "-x", "-c", "shutdown", mount.getPath()) &&
            0 == exec("umount", mount.getPath()) &&
            0 == exec("mount", "-o", "loop", image.getPath(), mount.getPath());
    }

    private void external(final Result result) throws Exception
    {
        final String aeronDir = "/dev/shm/tidemark-harness-" + System.nanoTime();
        final File archiveDir = new File(workDir, "external-archive-" + lineageCount);
        ChildRun archive = startArchive(aeronDir, archiveDir);
        try
        {
            final Lineage lineage = new Lineage("external", level, aeronDir);
            lineage.properties.add("-D" + CrashChild.ARCHIVE_DIR_PROP_NAME + "=" + archiveDir.getPath());
            for (int i = 0; i < Math.max(3, cycles / 10); i++)
            {
                final ChildRun store = lineage.start("run");
                if (store.awaitVerified(MINUTE_NS))
                {
                    park(100 + random.nextInt(400));
                }
                store.kill();
                lineage.absorb(store, result);
            }
            result.notes.add("store killed while the archive lived");

            final ChildRun orphan = lineage.start("run");
            if (orphan.awaitVerified(MINUTE_NS))
            {
                park(200);
            }
            archive.kill();
            if (orphan.awaitExit(MINUTE_NS))
            {
                result.notes.add("archive killed under a running store: " + shorten(String.valueOf(orphan.failure())));
            }
            else
            {
                orphan.kill();
                result.fail("store did not fail within 60 s of its archive dying");
            }
            lineage.absorb(orphan, result);
            archive = startArchive(aeronDir, archiveDir);
            lineage.verify(result);

            final ChildRun both = lineage.start("run");
            if (both.awaitVerified(MINUTE_NS))
            {
                park(200 + random.nextInt(300));
            }
            both.kill();
            archive.kill();
            lineage.absorb(both, result);
            archive = startArchive(aeronDir, archiveDir);
            lineage.verify(result);
            result.notes.add("store and archive killed together, both restarted");
        }
        finally
        {
            archive.kill();
            org.agrona.IoUtil.delete(new File(aeronDir), true);
        }
    }

    private ChildRun startArchive(final String aeronDir, final File archiveDir) throws IOException
    {
        final ChildRun archive = ChildRun.start(List.of(), List.of(), ArchiveLauncher.class, Arrays.asList(
            aeronDir, archiveDir.getPath(), "0", Integer.toString(1024 * 1024), Integer.toString(256 * 1024)));
        if (!archive.awaitReady(MINUTE_NS))
        {
            archive.kill();
            throw new IllegalStateException("external archive did not start: " + archive.tail());
        }
        return archive;
    }

    // ---------------------------------------------------------------------------------------------- lineage

    /**
     * One store directory, its workload seed, and what has been intended and acknowledged across its children.
     */
    final class Lineage
    {
        final File dir;
        final long workloadSeed;
        final Durability durability;
        final String aeronDir;
        long lastAck;
        long lastIntent;
        long lastCheckpointed = -1;
        int childCount;
        // Every store id this directory's header has named: damage or a re-creation can change it, and each id has
        // its own embedded driver directory in /dev/shm to clean up.
        private final java.util.Set<Long> storeIds = new java.util.HashSet<>();
        final List<String> properties = new ArrayList<>();

        Lineage(final String name, final Durability durability, final String aeronDir)
        {
            this(new File(workDir, name + "-" + (lineageCount++)), durability, aeronDir);
        }

        Lineage(final File dir, final Durability durability, final String aeronDir)
        {
            lineages.add(this);
            this.dir = dir;
            this.workloadSeed = random.nextLong();
            this.durability = durability;
            this.aeronDir = aeronDir;
        }

        ChildRun start(final String mode, final String... properties) throws IOException
        {
            return start(List.of(), mode, false, properties);
        }

        ChildRun start(final String mode, final boolean relaxed) throws IOException
        {
            return start(List.of(), mode, relaxed);
        }

        ChildRun startWithPrefix(final List<String> prefix, final String mode) throws IOException
        {
            return start(prefix, mode, false);
        }

        private ChildRun start(
            final List<String> prefix, final String mode, final boolean relaxed, final String... properties)
            throws IOException
        {
            final File report = new File(workDir, dir.getName() + "-" + (childCount++) + ".report");
            final List<String> args = new ArrayList<>(Arrays.asList(dir.getPath(), Long.toString(workloadSeed),
                durability.name(), mode, Long.toString(relaxed ? 0 : lastAck), Long.toString(lastIntent),
                report.getPath()));
            if (null != aeronDir)
            {
                args.add(aeronDir);
            }
            final List<String> jvm = new ArrayList<>(childProperties);
            jvm.addAll(this.properties);
            jvm.addAll(Arrays.asList(properties));
            return ChildRun.start(prefix, jvm, CrashChild.class, args, new File(workDir, dir.getName() + ".err"))
                .reportFile(report);
        }

        void absorb(final ChildRun run, final Result result)
        {
            absorb(run, result, false);
        }

        /**
         * Take in what a child did. After deliberate damage to the log (relaxed), what was acknowledged may be gone
         * by design: the recovered count becomes the new baseline, and only a prefix is required.
         */
        /**
         * Delete the embedded driver directory of every store id seen here: a child killed with its driver leaves it
         * behind until the next open of the same store, and a power loss would have taken it (tmpfs).
         */
        void deleteDriverDirectories()
        {
            rememberStoreId();
            for (final long storeId : storeIds)
            {
                org.agrona.IoUtil.delete(new File(io.aeron.CommonContext.getAeronDirectoryName() + "-tidemark-" +
                    Long.toHexString(storeId)), true);
            }
        }

        private void rememberStoreId()
        {
            final long storeId = storeId(dir);
            if (0 != storeId)
            {
                storeIds.add(storeId);
            }
        }

        void absorb(final ChildRun run, final Result result, final boolean relaxed)
        {
            rememberStoreId();
            result.childRuns++;
            if (relaxed && run.verified())
            {
                lastAck = run.verifiedK();
            }
            if (run.verified())
            {
                final long k = run.verifiedK();
                result.recoveryMs.add(run.openNs() / 1e6);
                result.replayed.add((double)Math.max(0, run.replayed()));
                if (run.fallback())
                {
                    result.fallbacks++;
                }
                if (!relaxed)
                {
                    result.landed += Math.max(0, k - lastAck);
                    result.notLanded += Math.max(0, lastIntent - k);
                }
            }
            if (null != run.violation())
            {
                final String violation = run.violation();
                if (violation.startsWith("lost"))
                {
                    result.lost++;
                    // Rebase on what survived: the operations after it are issued again, the same as before, so the
                    // lineage goes on and every later loss counts on its own instead of this one repeating.
                    lastAck = Math.max(0, run.recoveredK());
                }
                else if (violation.startsWith("hole"))
                {
                    result.holes++;
                }
                else
                {
                    result.invariants++;
                }
                result.fail("VIOLATION in " + dir.getName() + ": " + violation + " (workload seed " + workloadSeed +
                    ")");
            }
            else if (null != run.failure() && run.failure().startsWith("OPEN_FAILED"))
            {
                result.fail("recovery refused in " + dir.getName() + ": " + run.failure());
            }
            lastAck = Math.max(lastAck, run.lastAck());
            lastIntent = Math.max(lastIntent, run.lastIntent());
            if (run.lastCheckpointed() >= 0)
            {
                lastCheckpointed = run.lastCheckpointed();
            }
            result.batchesOverMtu += run.batchesOverMtu();
            result.largestBatchLength = Math.max(result.largestBatchLength, run.largestBatchLength());
            result.largestBatchOperations = Math.max(result.largestBatchOperations, run.largestBatchOperations());
            result.valuesAtMax += run.valuesAtMax();
            run.deleteReport();
            result.acknowledged = Math.max(result.acknowledged, lastAck);
        }

        void absorbDead(final ChildRun run, final Result result)
        {
            run.kill();
            absorb(run, result);
            if (null == run.violation())
            {
                result.fail("child ended before verifying in " + dir.getName() + ": " + run.tail());
            }
        }

        void verify(final Result result) throws IOException
        {
            final ChildRun run = start("verify");
            if (!run.awaitExit(MINUTE_NS))
            {
                run.kill();
            }
            absorb(run, result);
            if (!run.verified() && null == run.violation())
            {
                result.fail("final verification did not complete in " + dir.getName() + ": " + run.tail());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void progress(final Result result, final int cycle)
    {
        result.cycles++;
        if (0 == (cycle + 1) % 10)
        {
            out.printf("  %s: %d cycles, %d acknowledged, %d lost, %d holes, %d invariant violations%n",
                result.name, result.cycles, result.acknowledged, result.lost, result.holes, result.invariants);
        }
    }

    private static void park(final long millis)
    {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static boolean isRoot()
    {
        return "root".equals(System.getProperty("user.name"));
    }

    static int exec(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(2, TimeUnit.MINUTES) ? process.exitValue() : -1;
    }

    private static void fillUntilFree(final File filler, final File mount, final long leaveFree) throws IOException
    {
        final long usable = mount.getUsableSpace();
        try (RandomAccessFile file = new RandomAccessFile(filler, "rw"))
        {
            final byte[] chunk = new byte[64 * 1024];
            long toWrite = usable - leaveFree;
            while (toWrite > 0)
            {
                final int length = (int)Math.min(chunk.length, toWrite);
                file.write(chunk, 0, length);
                toWrite -= length;
            }
            if (0 == leaveFree)
            {
                while (true)
                {
                    file.write(chunk, 0, 4096);
                }
            }
        }
        catch (final IOException ex)
        {
            if (0 != leaveFree)
            {
                throw ex;
            }
        }
    }

    private static long directoryBytes(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return paths.filter(Files::isRegularFile).mapToLong((path) -> path.toFile().length()).sum();
        }
    }

    private static int directoryFiles(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return (int)paths.filter(Files::isRegularFile).count();
        }
    }

    private static String shorten(final String text)
    {
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }

    static void deleteRecursively(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
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

        static double percentile(final List<Double> values, final double percentile)
        {
            if (values.isEmpty())
            {
                return Double.NaN;
            }
            final List<Double> sorted = new ArrayList<>(values);
            sorted.sort(null);
            final int index = (int)Math.ceil(percentile / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }

        static void printTable(final List<Result> results, final PrintStream out)
        {
            out.println();
            out.printf("%-18s %7s %6s %11s %5s %6s %6s %16s %24s %14s %6s %7s  %s%n",
                "scenario", "cycles", "childs", "acked ops", "lost", "holes", "invar", "undecided in/out",
                "recovery ms p50/p99/max", "replayed p50/p99", "fallbk", "refused", "status");
            for (final Result r : results)
            {
                out.printf("%-18s %7d %6d %11d %5d %6d %6d %16s %24s %14s %6d %7d  %s%n",
                    r.name, r.cycles, r.childRuns, r.acknowledged, r.lost, r.holes, r.invariants,
                    r.landed + "/" + r.notLanded,
                    String.format("%.0f/%.0f/%.0f", percentile(r.recoveryMs, 50), percentile(r.recoveryMs, 99),
                        percentile(r.recoveryMs, 100)),
                    String.format("%.0f/%.0f", percentile(r.replayed, 50), percentile(r.replayed, 99)),
                    r.fallbacks, r.refusals, r.status());
            }
            for (final Result r : results)
            {
                if (r.checkpointKills + r.recoveryKills > 0 || !r.pointsReached.isEmpty())
                {
                    out.printf("%s: kills inside checkpoints %d, inside recovery %d%s%n", r.name, r.checkpointKills,
                        r.recoveryKills, r.pointsReached.isEmpty() ? "" : ", kill points reached " + r.pointsReached);
                }
                if (r.largestBatchLength > 0)
                {
                    out.printf("%s: batches over one MTU %d, largest message %d bytes, largest batch %d operations, " +
                        "values of the maximum length %d%n", r.name, r.batchesOverMtu, r.largestBatchLength,
                        r.largestBatchOperations, r.valuesAtMax);
                }
                for (final String note : r.notes)
                {
                    out.printf("%s: %s%n", r.name, note);
                }
                for (final String failure : r.failures)
                {
                    out.printf("%s: FAILURE %s%n  repro: %s%n", r.name, failure, r.repro);
                }
            }
            final Map<String, Integer> summary = new LinkedHashMap<>();
            for (final Result r : results)
            {
                summary.merge(r.status().startsWith("SKIPPED") ? "skipped" : r.passed() ? "passed" : "failed", 1,
                    Integer::sum);
            }
            out.printf("%nscenarios: %s%n", summary);
        }
    }
}
