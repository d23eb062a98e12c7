/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.store.StoreBatch;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The workload in a child JVM of the crash harness. It opens (recovers) the durable store, reports what recovery
 * did, verifies the recovered state against the model within the bounds the supervisor passes, then writes
 * operations until it is killed. Before each operation i it records {@code INTENT i}, and once i is durable at the
 * chosen level {@code ACK i}, in a small memory-mapped report file: a store to a shared mapping is in the page cache
 * the moment it is made, so a SIGKILL can never leave the supervisor knowing less than happened (a pipe can: bytes
 * written just before the kill may never be read). Status lines (RECOVERED, VERIFIED, CKPT, failures) go over the
 * standard output pipe.
 * <p>
 * Arguments: dir seed level mode lastAck lastIntent reportFile [aeronDir]. Mode: run, idle (recover, verify, then
 * wait), or verify (recover, verify, close, exit). With an Aeron directory the store uses that external driver and
 * archive.
 */
public final class CrashChild
{
    static final int VIOLATION_EXIT = 3;
    static final int FAILED_EXIT = 4;

    private CrashChild()
    {
    }

    /**
     * @param args dir seed level mode lastAck lastIntent [aeronDir].
     */
    public static void main(final String[] args)
    {
        try
        {
            run(args);
        }
        catch (final Throwable ex)
        {
            // Aeron's threads would keep a JVM whose main thread died alive: end it, saying why.
            System.out.println("CRASHED " + oneLine(ex));
            System.out.flush();
            System.exit(FAILED_EXIT);
        }
    }

    private static void run(final String[] args)
    {
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
            StandardCharsets.US_ASCII);
        final File dir = new File(args[0]);
        final long seed = Long.parseLong(args[1]);
        final Durability level = Durability.valueOf(args[2]);
        final String mode = args[3];
        final long lastAck = Long.parseLong(args[4]);
        final long lastIntent = Long.parseLong(args[5]);
        final Report report = new Report(new File(args[6]));
        final String aeronDir = args.length > 7 ? args[7] : null;

        final long start = System.nanoTime();
        final DurableStore store;
        try
        {
            store = DurableStore.open(context(dir, level, aeronDir));
        }
        catch (final RuntimeException ex)
        {
            out.println("OPEN_FAILED " + oneLine(ex));
            out.flush();
            System.exit(FAILED_EXIT);
            return;
        }
        final long openNs = System.nanoTime() - start;
        final TransferWorkload workload = new TransferWorkload(seed);
        final StoreBatch batch = store.newBatch();
        long k = TransferWorkload.operations(store);
        out.println("RECOVERED k=" + k + " replayed=" + store.replayedMessages() + " openNs=" + openNs +
            " fallback=" + store.stateStore().restoredFromFallback() + " truncatedAt=" + store.truncatedAt());
        out.flush();

        if (k < 0)
        {
            workload.create(store, batch);
            k = 0;
        }
        else
        {
            if (k < lastAck)
            {
                violation(out, "lost: recovered " + k + " operations, " + lastAck + " were acknowledged");
            }
            if (k > lastIntent)
            {
                violation(out, "invariant: recovered " + k + " operations, only " + lastIntent + " were intended");
            }
            final String problem = workload.verify(store, k);
            if (null != problem)
            {
                violation(out, problem);
            }
        }
        out.println("VERIFIED k=" + k + " digest=" + TransferWorkload.digest(store));
        out.flush();

        switch (mode)
        {
            case "verify":
                store.close();
                out.println("CLOSED");
                out.flush();
                return;
            case "idle":
                while (true)
                {
                    store.poll();
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            default:
                write(store, workload, batch, level, k, out, report);
        }
    }

    private static void write(
        final DurableStore store,
        final TransferWorkload workload,
        final StoreBatch batch,
        final Durability level,
        final long from,
        final PrintStream out,
        final Report report)
    {
        long operation = from;
        try
        {
            while (true)
            {
                operation++;
                report.intent(operation);
                workload.apply(store, batch, operation, level);
                if (Durability.NONE != level)
                {
                    report.ack(operation);
                }
                else if (0 == (operation & 63))
                {
                    store.awaitDurable(store.position());
                    report.ack(operation);
                }
                if (0 == operation % 1500 && store.checkpoint())
                {
                    out.println("CKPT " + operation);
                    out.flush();
                }
                if (0 == (operation & 255))
                {
                    store.poll();
                }
            }
        }
        catch (final RuntimeException ex)
        {
            out.println("WRITE_FAILED at=" + operation + " " + oneLine(ex));
            out.flush();
            try
            {
                store.closeWithoutCheckpoint();
            }
            catch (final RuntimeException ignore)
            {
                // the failure above is what the supervisor needs
            }
            System.exit(FAILED_EXIT);
        }
    }

    /**
     * The report file: last intended operation at offset 0, last acknowledged at offset 8, both little-endian longs
     * written with release stores into a shared mapping.
     */
    static final class Report
    {
        private final org.agrona.concurrent.UnsafeBuffer buffer;

        Report(final File file)
        {
            final java.nio.MappedByteBuffer mapping = org.agrona.IoUtil.mapNewFile(file, 4096);
            buffer = new org.agrona.concurrent.UnsafeBuffer(mapping);
        }

        void intent(final long operation)
        {
            buffer.putLongRelease(0, operation);
        }

        void ack(final long operation)
        {
            buffer.putLongRelease(8, operation);
        }

        static long[] read(final File file) throws java.io.IOException
        {
            if (!file.exists())
            {
                return new long[]{ -1, -1 };
            }
            final byte[] bytes = java.nio.file.Files.readAllBytes(file.toPath());
            final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder());
            return bytes.length < 16 ? new long[]{ -1, -1 } : new long[]{ buffer.getLong(0), buffer.getLong(8) };
        }
    }

    static DurableStore.Context context(final File dir, final Durability level, final String aeronDir)
    {
        final DurableStore.Context ctx = new DurableStore.Context()
            .dir(dir)
            .keyLength(8)
            .maxValueLength(TransferWorkload.VALUE_LENGTH)
            .capacity(TransferWorkload.ACCOUNTS + 16)
            .durability(level)
            .termLength(256 * 1024)
            .segmentFileLength(1024 * 1024)
            .checkpointLogBytes(512 * 1024)
            .checkpointIntervalNs(TimeUnit.MILLISECONDS.toNanos(300))
            .durableTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .errorHandler((throwable) -> System.err.println("error: " + oneLine(throwable)));
        if (null != aeronDir)
        {
            ctx.embedded(false).aeronDirectoryName(aeronDir).archiveFileSyncLevel(Durability.SYNCED == level ? 1 : 0);
        }
        return ctx;
    }

    private static void violation(final PrintStream out, final String problem)
    {
        out.println("VIOLATION " + problem);
        out.flush();
        System.exit(VIOLATION_EXIT);
    }

    static String oneLine(final Throwable throwable)
    {
        return (throwable.getClass().getSimpleName() + ": " + throwable.getMessage()).replace('\n', ' ');
    }
}
