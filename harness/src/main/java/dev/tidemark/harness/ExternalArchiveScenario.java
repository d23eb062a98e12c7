/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.ArchiveLauncher;
import dev.tidemark.archive.Durability;
import dev.tidemark.harness.CrashHarness.Result;
import org.agrona.IoUtil;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.tidemark.harness.CrashRun.MINUTE_NS;
import static dev.tidemark.harness.CrashRun.park;
import static dev.tidemark.harness.CrashRun.shorten;

/**
 * The store on an external media driver and archive (an {@link ArchiveLauncher} child): the store killed while the
 * archive lives, the archive killed under a running store (which must fail, not hang), and both killed together;
 * each time the store must reopen on a restarted archive with nothing acknowledged lost.
 */
final class ExternalArchiveScenario
{
    private final CrashRun crashRun;
    private final int cycles;
    private final Durability level;
    private final Random random;
    private final File workDir;

    ExternalArchiveScenario(final CrashRun crashRun)
    {
        this.crashRun = crashRun;
        this.cycles = crashRun.cycles;
        this.level = crashRun.level;
        this.random = crashRun.random;
        this.workDir = crashRun.workDir;
    }

    void run(final Result result) throws Exception
    {
        final String aeronDir = "/dev/shm/tidemark-harness-" + System.nanoTime();
        final File archiveDir = new File(workDir, "external-archive-" + crashRun.lineageCount());
        ChildRun archive = startArchive(aeronDir, archiveDir);
        try
        {
            final Lineage lineage = crashRun.lineage("external", level, aeronDir);
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
            IoUtil.delete(new File(aeronDir), true);
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
}
