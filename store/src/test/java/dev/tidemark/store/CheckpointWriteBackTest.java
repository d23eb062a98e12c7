/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The write-back policy alone, on a clock the test moves: the flush-after count and the token bucket.
 */
class CheckpointWriteBackTest
{
    private static final int PAGE = 4096;

    @Test
    void shouldAllowEverythingAndNeverForceWhenUnlimited()
    {
        final CheckpointWriteBack writeBack = new CheckpointWriteBack(PAGE, 0, 0, 64);
        writeBack.begin(0);
        assertEquals(64, writeBack.allowance(0, 64));
        assertFalse(writeBack.onWritten(1_000_000), "flush-after 0 forces only at the commit");
        assertEquals(64, writeBack.allowance(1, 64));
    }

    @Test
    void shouldForceOnceFlushBytesAreWrittenAndCountAgainAfterTheForce()
    {
        final CheckpointWriteBack writeBack = new CheckpointWriteBack(PAGE, 4 * PAGE, 0, 64);
        writeBack.begin(0);
        assertFalse(writeBack.onWritten(3));
        assertTrue(writeBack.onWritten(1));
        assertTrue(writeBack.onWritten(0), "still due until forced");
        writeBack.onForced();
        assertFalse(writeBack.onWritten(3));
        assertTrue(writeBack.onWritten(2));
    }

    @Test
    void shouldPaceCopiesToTheRate()
    {
        // 100 pages a second; the bucket holds the larger of a duty cycle (2 pages) and 1/100 s of the rate.
        final CheckpointWriteBack writeBack = new CheckpointWriteBack(PAGE, 0, 100L * PAGE, 2);
        writeBack.begin(0);
        assertEquals(2, writeBack.allowance(0, 64), "a full bucket at the start");
        writeBack.onWritten(2);
        assertEquals(0, writeBack.allowance(0, 64), "empty until time passes");
        assertEquals(0, writeBack.allowance(5_000_000, 64), "half a page in 5 ms");
        assertEquals(1, writeBack.allowance(10_000_000, 64), "one page in 10 ms");
        assertEquals(2, writeBack.allowance(1_000_000_000, 64), "never more than the bucket holds");
        writeBack.onWritten(2);
        assertEquals(0, writeBack.allowance(1_000_000_000, 64));
        long copied = 0;
        for (long now = 1_000_000_000; now <= 2_000_000_000; now += 1_000_000)
        {
            final int allowed = writeBack.allowance(now, 64);
            writeBack.onWritten(allowed);
            copied += allowed;
        }
        assertTrue(copied >= 99 && copied <= 101, "pages in one second at 100 a second: " + copied);
    }

    @Test
    void shouldChargePreImagesToTheBucket()
    {
        final CheckpointWriteBack writeBack = new CheckpointWriteBack(PAGE, 0, 100L * PAGE, 2);
        writeBack.begin(0);
        writeBack.onWritten(10);
        assertEquals(0, writeBack.allowance(50_000_000, 64), "8 pages owed, 5 earned");
        assertEquals(0, writeBack.allowance(70_000_000, 64), "1 page still owed");
        assertEquals(1, writeBack.allowance(90_000_000, 64), "the debt paid, one page earned");
    }

    @Test
    void shouldEarnFractionsOfAByteWhenAskedEveryMicrosecondAtALowRate()
    {
        // 10 pages a second is 0.04 bytes a microsecond: asked every microsecond, whole bytes are never earned.
        final CheckpointWriteBack writeBack = new CheckpointWriteBack(PAGE, 0, 10L * PAGE, 1);
        writeBack.begin(0);
        writeBack.onWritten(writeBack.allowance(0, 64));
        long copied = 0;
        for (long now = 1_000; now <= 1_000_000_000; now += 1_000)
        {
            final int allowed = writeBack.allowance(now, 64);
            writeBack.onWritten(allowed);
            copied += allowed;
        }
        assertTrue(copied >= 9 && copied <= 10, "pages in one second at 10 a second: " + copied);
    }

    @Test
    void shouldNotOverflowAtAHugeRateOrAfterALongPause()
    {
        final CheckpointWriteBack writeBack = new CheckpointWriteBack(PAGE, 0, Long.MAX_VALUE / 2, 4);
        writeBack.begin(0);
        writeBack.onWritten(writeBack.allowance(0, 1_000_000));
        assertEquals(0, writeBack.allowance(0, 64));
        assertEquals(4, writeBack.allowance(1, 64), "a huge rate refills the bucket (4 pages) in a nanosecond");
        assertTrue(writeBack.allowance(Long.MAX_VALUE / 2, Integer.MAX_VALUE) > 0, "a pause of centuries");
        final CheckpointWriteBack slow = new CheckpointWriteBack(PAGE, 0, PAGE, 1);
        slow.begin(0);
        slow.onWritten(slow.allowance(0, 64));
        assertEquals(1, slow.allowance(Long.MAX_VALUE - 1, 64), "the bucket holds its burst, never more");
    }
}
