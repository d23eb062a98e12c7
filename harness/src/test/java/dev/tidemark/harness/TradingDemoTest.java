/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's demo, short: it trades, restarts cleanly, survives a SIGKILLed child, and every check passes.
 */
class TradingDemoTest
{
    @Test
    void shouldPassEveryCheckOfTheDemo() throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final boolean ok = TradingDemo.run(Map.of("seconds", "2", "accounts", "2000"), out);
        final String output = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(ok, output);
        assertTrue(output.contains("[ok] state identical to before the restart"), output);
        assertTrue(output.contains("child killed (exit 137)"), output);
        assertTrue(output.contains("[ok] every acknowledged fill recovered"), output);
        assertTrue(output.contains("[ok] invariants after the crash"), output);
        assertFalse(output.contains("FAILED"), output);
    }
}
