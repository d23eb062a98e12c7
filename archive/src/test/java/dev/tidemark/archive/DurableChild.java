/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * A durable store writing in a child JVM until it is killed. Before each put i it stores i as the last intent, and
 * once the put is durable at the chosen level as the last acknowledged, in a memory-mapped report file (a SIGKILL
 * cannot lose a store to a shared mapping; it can lose bytes written to a pipe just before it). Key i holds value
 * i * 31 + 7, and keys are written in order, so the state after k puts is exactly keys 0..k-1.
 * <p>
 * Arguments: store directory, durability (NONE, RECORDED, SYNCED), and optionally "external" followed by the
 * external media driver's Aeron directory. The report file is the store directory's path plus ".report".
 */
public final class DurableChild
{
    private DurableChild()
    {
    }

    /**
     * @param args store directory, durability, [external aeronDir archiveDir].
     */
    public static void main(final String[] args)
    {
        final File dir = new File(args[0]);
        final Durability durability = Durability.valueOf(args[1]);
        final DurableStoreContext ctx = new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(16).capacity(2_000_000)).durability(durability).checkpointLogBytes(256 * 1024)
            .errorHandler(Throwable::printStackTrace);
        if (args.length > 3 && "external".equals(args[2]))
        {
            ctx.embedded(false).aeronDirectoryName(args[3]).archiveFileSyncLevel(0).archiveDirectory(new File(args[4]));
        }
        final PrintStream out = System.out;
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        final File reportFile = new File(args[0] + ".report");
        final UnsafeBuffer report = new UnsafeBuffer(reportFile.exists() ?
            org.agrona.IoUtil.mapExistingFile(reportFile, "report") : org.agrona.IoUtil.mapNewFile(reportFile, 4096));
        report.putLongRelease(0, -1);
        report.putLongRelease(8, -1);
        try (DurableStore store = DurableStore.open(ctx))
        {
            long next = store.size();
            out.println("OPEN size=" + next + " replayed=" + store.recovery().replayedMessages());
            out.flush();
            if (next >= 1)
            {
                report.putLongRelease(0, next - 1);
                report.putLongRelease(8, next - 1);
            }
            while (next < 2_000_000)
            {
                report.putLongRelease(0, next);
                value.putLong(0, next * 31 + 7);
                store.put(next, value, 0, 8);
                if (Durability.NONE != durability)
                {
                    report.putLongRelease(8, next);
                }
                else if (0 == (next & 63))
                {
                    store.awaitDurable(store.position());
                    report.putLongRelease(8, next);
                }
                next++;
            }
        }
    }
}
