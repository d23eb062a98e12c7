/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.harness.CrashHarness.Result;
import dev.tidemark.store.StoreConfiguration;
import dev.tidemark.store.StoreHeaderDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.tidemark.harness.CrashRun.MINUTE_NS;

/**
 * One store directory, its workload seed, and what has been intended and acknowledged across its children: it starts
 * each child with the bounds the model allows, and takes in what the child found, counting it into the scenario's
 * result (the oracle's verdict is the child's; the bookkeeping across children is here).
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
    private final Set<Long> storeIds = new HashSet<>();
    final List<String> properties = new ArrayList<>();
    private final CrashRun crashRun;

    /**
     * Made by {@link CrashRun#lineage}, which keeps it for the release of its driver directories.
     */
    Lineage(final CrashRun crashRun, final File dir, final Durability durability, final String aeronDir)
    {
        this.crashRun = crashRun;
        this.dir = dir;
        this.workloadSeed = crashRun.random.nextLong();
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
        final File report = new File(crashRun.workDir, dir.getName() + "-" + (childCount++) + ".report");
        final List<String> args = new ArrayList<>(Arrays.asList(dir.getPath(), Long.toString(workloadSeed),
            durability.name(), mode, Long.toString(relaxed ? 0 : lastAck), Long.toString(lastIntent),
            report.getPath()));
        if (null != aeronDir)
        {
            args.add(aeronDir);
        }
        final List<String> jvm = new ArrayList<>(crashRun.childProperties);
        jvm.addAll(this.properties);
        jvm.addAll(Arrays.asList(properties));
        final File errorLog = new File(crashRun.workDir, dir.getName() + ".err");
        return ChildRun.start(prefix, jvm, CrashChild.class, args, errorLog).reportFile(report);
    }

    /**
     * Delete the embedded driver directory of every store id seen here: a child killed with its driver leaves it
     * behind until the next open of the same store, and a power loss would have taken it (tmpfs).
     */
    void deleteDriverDirectories()
    {
        rememberStoreId();
        for (final long storeId : storeIds)
        {
            IoUtil.delete(new File(CommonContext.getAeronDirectoryName() + "-tidemark-" +
                Long.toHexString(storeId)), true);
            // And its live region, which a killed child leaves in the default tmpfs directory (the children are
            // dead by now, so no lock is needed).
            final File liveDir = StoreConfiguration.defaultLiveRegionDirectory();
            if (null != liveDir)
            {
                IoUtil.delete(new File(liveDir, "tidemark-live-" + Long.toHexString(storeId) + ".dat"), true);
            }
        }
    }

    private void rememberStoreId()
    {
        long storeId = 0;
        try
        {
            storeId = StoreInspection.headerStoreId(dir);
        }
        catch (final IOException ex)
        {
            crashRun.out.println("could not read " + new File(dir, StoreHeaderDescriptor.HEADER_FILE_NAME) + ": " +
                ex);
        }
        if (0 != storeId)
        {
            storeIds.add(storeId);
        }
    }

    void absorb(final ChildRun run, final Result result)
    {
        absorb(run, result, false);
    }

    /**
     * Take in what a child did. After deliberate damage to the log (relaxed), what was acknowledged may be gone
     * by design: the recovered count becomes the new baseline, and only a prefix is required.
     */
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
