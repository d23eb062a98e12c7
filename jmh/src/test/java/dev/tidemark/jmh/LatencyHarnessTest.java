/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fixed-rate pacing corrects for coordinated omission: one 20 ms stall at 10k ops/s delays about 200 intended
 * operations, and every one of them is charged its wait, as a client sending at that rate would see it; a
 * service-time measurement would show a single slow operation.
 */
class LatencyHarnessTest
{
    @Test
    void shouldChargeAStallToEveryOperationItDelayed()
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final long intervalNs = TimeUnit.MICROSECONDS.toNanos(100);
        final long behind = LatencyHarness.pace(intervalNs, TimeUnit.MILLISECONDS.toNanos(300), (i) ->
        {
            if (1000 == i)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }, histogram);

        assertEquals(3000, histogram.getTotalCount());
        assertTrue(histogram.getMaxValue() >= TimeUnit.MILLISECONDS.toNanos(20), "the stall itself");
        final long delayed = histogram.getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(1), Long.MAX_VALUE / 2);
        assertTrue(delayed >= 150, "operations charged at least 1 ms for the stall: " + delayed);
        assertTrue(behind >= 150, "operations that began late: " + behind);
    }
}
