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
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.tidemark.harness.CrashRun.MINUTE_NS;
import static dev.tidemark.harness.CrashRun.exec;
import static dev.tidemark.harness.CrashRun.isRoot;
import static dev.tidemark.harness.CrashRun.park;
import static dev.tidemark.harness.CrashRun.shorten;

/**
 * Storage that fails under a running store: fsync returning EIO (injected with strace), where the store must stop
 * rather than go on acknowledging, and a disk another tenant fills (a small tmpfs), where it must fail without
 * crashing the JVM. Either way the next open must recover what was acknowledged.
 */
final class StorageFaultScenarios
{
    private final CrashRun crashRun;
    private final Durability level;
    private final Random random;
    private final File workDir;

    StorageFaultScenarios(final CrashRun crashRun)
    {
        this.crashRun = crashRun;
        this.level = crashRun.level;
        this.random = crashRun.random;
        this.workDir = crashRun.workDir;
    }

    void fsync(final Result result) throws Exception
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
        final Lineage lineage = crashRun.lineage("fsync", Durability.SYNCED, null);
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

    void diskFull(final Result result) throws Exception
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
            final Lineage lineage = crashRun.lineage(new File(mount, "store"), level, null);
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
            crashRun.releaseDriverDirectories();
            exec("umount", "-l", mount.getPath());
        }
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
}
