/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.harness.CrashHarness.Result;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.harness.CrashRun.MINUTE_NS;
import static dev.tidemark.harness.CrashRun.exec;
import static dev.tidemark.harness.CrashRun.isRoot;
import static dev.tidemark.harness.CrashRun.park;
import static dev.tidemark.harness.CrashRun.shorten;

/**
 * The power-loss scenario, run once per durability level: the store and its archive on a loop-mounted XFS image
 * that is shut down without flushing its log after each kill, then mounted again, as a power failure leaves a disk.
 */
final class PowerLossScenario
{
    private final CrashRun crashRun;
    private final int cycles;
    private final Random random;
    private final File workDir;

    PowerLossScenario(final CrashRun crashRun)
    {
        this.crashRun = crashRun;
        this.cycles = crashRun.cycles;
        this.random = crashRun.random;
        this.workDir = crashRun.workDir;
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
    void run(final Result result, final Durability powerLevel) throws Exception
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
            Lineage lineage = crashRun.lineage(new File(mount, "store-" + stores++), powerLevel, null);
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
                    lineage = crashRun.lineage(new File(mount, "store-" + stores), powerLevel, null);
                    aging = 1 == stores++ % 2;
                    powerLost = false;
                    crashRun.progress(result, i);
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
                    lineage = crashRun.lineage(new File(mount, "store-" + stores), powerLevel, null);
                    aging = 1 == stores++ % 2;
                    powerLost = false;
                }
                else
                {
                    powerLost = pulled;
                }
                crashRun.progress(result, i);
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
            crashRun.releaseDriverDirectories();
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
}
