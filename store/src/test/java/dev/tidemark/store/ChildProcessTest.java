/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real second processes: a double open refused across processes, a SIGKILLed holder releasing the store, and an
 * fsync that fails for real (EIO injected by strace) making the store fail-stop.
 */
class ChildProcessTest
{
    @TempDir
    File dir;

    @Test
    void shouldRefuseSecondOpenInSameJvm()
    {
        try (StateStore first = StateStore.open(new StoreContext().dir(dir)))
        {
            assertFalse(first.isClosed());
            final IllegalStateException ex = assertThrows(
                IllegalStateException.class, () -> StateStore.open(new StoreContext().dir(dir)));
            assertTrue(ex.getMessage().startsWith("store already open in this JVM"), ex.getMessage());
        }
        try (StateStore store = StateStore.open(new StoreContext().dir(dir)))
        {
            assertEquals(0, store.size());
        }
    }

    @Test
    void shouldKeepTheLockAgainstOtherProcessesAfterRefusingASecondOpenInThisJvm() throws Exception
    {
        try (StateStore first = StateStore.open(new StoreContext().dir(dir)))
        {
            first.put(1L, Fixtures.value(1, 1, 8), 0, 8);
            for (int i = 0; i < 3; i++)
            {
                assertThrows(IllegalStateException.class, () -> StateStore.open(new StoreContext().dir(dir)));
            }
            // A POSIX lock is dropped when any descriptor the process has on the file closes: a refused open that
            // had opened one of its own would have let this child in beside the first store.
            final String reply = tryOpenInChild(dir, null);
            assertTrue(reply.startsWith("REFUSED store already open by another process"), reply);
        }
        assertTrue(tryOpenInChild(dir, null).startsWith("OPENED size=1"), "the lock is given back on close");
    }

    @Test
    void shouldKeepTheLiveRegionsLockAgainstOtherProcessesAfterRefusingACopyInThisJvm(@TempDir final File liveDir)
        throws Exception
    {
        final File original = new File(dir, "original");
        try (StateStore store = StateStore.open(new StoreContext().dir(original)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
        }
        // Copies of the directory share the store's id, so they name the same live region file.
        final File copyA = new File(dir, "copy-a");
        final File copyB = new File(dir, "copy-b");
        for (final File copy : new File[] { copyA, copyB })
        {
            assertTrue(copy.mkdirs());
            for (final File file : original.listFiles())
            {
                java.nio.file.Files.copy(file.toPath(), new File(copy, file.getName()).toPath());
            }
        }
        try (StateStore first = StateStore.open(new StoreContext().dir(original).liveRegionDirectory(liveDir)))
        {
            first.put(2L, Fixtures.value(2, 2, 8), 0, 8);
            final TidemarkException ex = assertThrows(TidemarkException.class,
                () -> StateStore.open(new StoreContext().dir(copyA).liveRegionDirectory(liveDir)));
            assertTrue(ex.getMessage().contains("is in use by another open store with the same id"), ex.getMessage());
            final String reply = tryOpenInChild(copyB, liveDir);
            assertTrue(reply.startsWith("REFUSED") && reply.contains("live region") && reply.contains("is in use"),
                reply);
            assertTrue(first.contains(2L), "the first store's region was not overwritten by a copy's restore");
            final UnsafeBuffer value = new UnsafeBuffer(new byte[8]);
            assertEquals(8, first.get(2L, value, 0));
            assertEquals(Fixtures.value(2, 2, 8).getLong(0), value.getLong(0));
        }
        assertTrue(tryOpenInChild(copyB, liveDir).startsWith("OPENED size=1"), "the copy opens once the first closed");
    }

    @Test
    void shouldNeverSweepTheLiveRegionAProcessHoldsButSweepItOnceThatProcessIsKilled(@TempDir final File liveDir)
        throws Exception
    {
        final Process child = start(List.of(), "hold", dir, List.of(liveDir.getPath()));
        final File[] held;
        try
        {
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("READY", out.readLine());
            held = liveDir.listFiles((d, name) -> name.startsWith(LiveRegionFiles.PREFIX));
            assertNotNull(held);
            assertEquals(1, held.length);
            ageBeyondStale(held[0]);
            try (StateStore other = StateStore.open(new StoreContext().dir(new File(dir, "other"))
                .liveRegionDirectory(liveDir)))
            {
                assertTrue(held[0].exists(), "the sweep deleted the live region another process holds");
                other.put(1L, Fixtures.value(1, 1, 8), 0, 8);
            }
        }
        finally
        {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(held[0].exists(), "a SIGKILLed process leaves its live region behind");
        ageBeyondStale(held[0]);
        try (StateStore other = StateStore.open(new StoreContext().dir(new File(dir, "other"))
            .liveRegionDirectory(liveDir)))
        {
            assertFalse(held[0].exists(), "the sweep kept the live region of a killed process");
            assertTrue(other.contains(1L));
        }
    }

    private static void ageBeyondStale(final File file) throws IOException
    {
        java.nio.file.Files.setLastModifiedTime(file.toPath(), java.nio.file.attribute.FileTime.fromMillis(
            System.currentTimeMillis() - 2 * LiveRegionFiles.STALE_AGE_MS));
    }

    private static List<String> linesUntilExit(final Process child) throws Exception
    {
        final List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)))
        {
            for (String line; null != (line = out.readLine()); )
            {
                lines.add(line);
            }
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        return lines;
    }

    private String tryOpenInChild(final File storeDir, final File liveDir) throws Exception
    {
        final List<String> extra = null == liveDir ? List.of() : List.of(liveDir.getPath());
        final Process child = start(List.of(), "try-open", storeDir, extra);
        final List<String> lines = linesUntilExit(child);
        return lines.stream().filter((line) -> line.startsWith("OPENED") || line.startsWith("REFUSED"))
            .findFirst().orElse(String.join("\n", lines));
    }

    @Test
    void shouldRefuseOpenWhileAnotherProcessHoldsItAndOpenAfterThatProcessIsKilled() throws Exception
    {
        final Process child = start(List.of(), "hold");
        try
        {
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("READY", out.readLine());

            final IllegalStateException ex = assertThrows(
                IllegalStateException.class, () -> StateStore.open(new StoreContext().dir(dir)));
            assertTrue(ex.getMessage().startsWith("store already open by another process"), ex.getMessage());
        }
        finally
        {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue(), "killed with SIGKILL");

        try (StateStore store = StateStore.open(new StoreContext().dir(dir)))
        {
            assertEquals(100, store.size(), "the committed checkpoint, not the uncommitted tail");
            final UnsafeBuffer value = new UnsafeBuffer(new byte[8]);
            for (long key = 0; key < 100; key++)
            {
                assertEquals(8, store.get(key, value, 0));
                assertEquals(key * 3, value.getLong(0));
            }
            assertFalse(store.contains(150L));
        }
    }

    @Test
    void shouldGoFailStopWhenFdatasyncFails() throws Exception
    {
        assumeTrue(new File("/usr/bin/strace").canExecute(), "strace not installed");
        try (StateStore store = StateStore.open(new StoreContext().dir(dir)))
        {
            store.put(1L, Fixtures.value(1, 1, 8), 0, 8);
        }

        final Process child = start(
            Arrays.asList("/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=fdatasync,fsync",
                "-e", "inject=fdatasync:error=EIO"),
            "fsync-fail");
        final List<String> lines = linesUntilExit(child);
        final String output = String.join("\n", lines);
        assumeTrue(!output.contains("PTRACE") && !output.contains("Operation not permitted"),
            "ptrace not permitted here: " + output);
        assertTrue(lines.contains("CHECKPOINT_FAILED fatal=true"), output);
        assertTrue(lines.contains("PUT_REFUSED fatal=true"), output);
        assertTrue(lines.contains("CHECKPOINT_REFUSED fatal=true"), output);
        assertTrue(output.contains("Input/output error"), output);
        assertTrue(lines.contains("CLOSED"), output);

        try (StateStore store = StateStore.open(new StoreContext().dir(dir)))
        {
            assertTrue(store.contains(1L));
            assertFalse(store.contains(77L), "a checkpoint whose force failed must not be restored");
        }
    }

    private Process start(final List<String> prefix, final String mode) throws IOException
    {
        return start(prefix, mode, dir, List.of());
    }

    private Process start(final List<String> prefix, final String mode, final File storeDir, final List<String> extra)
        throws IOException
    {
        final List<String> command = new ArrayList<>(prefix);
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StoreChild.class.getName());
        command.add(mode);
        command.add(storeDir.getPath());
        command.addAll(extra);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
