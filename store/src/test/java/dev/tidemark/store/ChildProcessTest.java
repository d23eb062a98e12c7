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
        final List<String> command = new ArrayList<>(prefix);
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StoreChild.class.getName());
        command.add(mode);
        command.add(dir.getPath());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
