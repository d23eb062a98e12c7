/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The model test at length: many seeds in a row, thread and invoker modes. Tagged slow; runs in its own Surefire
 * execution.
 */
@Tag("slow")
class StateStoreSoakTest
{
    @Test
    void shouldMatchModelOverManySeeds(@org.junit.jupiter.api.io.TempDir final java.io.File root)
    {
        final int runs = Integer.getInteger("tidemark.test.soak.runs", 40);
        for (int run = 0; run < runs; run++)
        {
            final StateStoreModelTest test = new StateStoreModelTest();
            test.dir = new java.io.File(root, "run-" + run);
            test.shouldMatchModelAcrossCheckpointsCleanAndCrashReopens(0 == (run & 1));
        }
    }
}
