/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.archive.DurableStore;
import dev.tidemark.archive.DurableStoreContext;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;

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
 * chosen level {@code ACK i} (with the log position of i), in a small memory-mapped report file: a store to a shared
 * mapping is in the page cache the moment it is made, so a SIGKILL can never leave the supervisor knowing less than
 * happened (a pipe can: bytes written just before the kill may never be read). The same file holds the operation
 * count of the newest committed checkpoint. Status lines (RECOVERED, VERIFIED, CKPT when the child starts a
 * checkpoint, COMMIT when one commits, SHAPES with figures of the batches written, failures) go over the standard
 * output pipe.
 * <p>
 * Arguments: dir seed level mode lastAck lastIntent reportFile [aeronDir]. Mode: run, idle (recover, verify, then
 * wait), or verify (recover, verify, close, exit). With an Aeron directory the store uses that external driver and
 * archive.
 */
public final class CrashChild
{
    /**
     * The external archive's directory, for a child of the external scenario: checkpoints force the recording there.
     */
    static final String ARCHIVE_DIR_PROP_NAME = "tidemark.harness.archive.dir";

    /**
     * A deliberate fault for the harness's self-test, in the harness and never in the store: "true" makes the child
     * write at NONE and report each write acknowledged at once, before the archive recorded it. The kill9 scenario
     * must then find losses.
     */
    static final String FAULT_ACK_EARLY_PROP_NAME = "tidemark.harness.fault.ackBeforeDurable";

    private static final boolean FAULT_ACK_EARLY = "true".equals(System.getProperty(FAULT_ACK_EARLY_PROP_NAME));

    /**
     * A recovery time objective in milliseconds: set, it is the child's only checkpoint policy (the byte and time
     * rules are put out of reach), for {@link RecoveryObjectiveScenario}.
     */
    static final String RTO_MS_PROP_NAME = "tidemark.harness.rtoMs";

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
        out.println("RECOVERED k=" + k + " replayed=" + store.recovery().replayedMessages() + " openNs=" + openNs +
            " fallback=" + store.storeView().statistics().restoredFromFallback() +
            " truncatedAt=" + store.recovery().truncatedAt());
        out.flush();

        if (k < 0)
        {
            if (lastAck > 0)
            {
                violation(out, "lost: recovered an empty store (no operation count), " + lastAck +
                    " operations were acknowledged");
            }
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
        // Log position of each recent operation, to name the operation count a committed checkpoint holds.
        final long[] positions = new long[POSITION_RING];
        final long startPosition = store.position();
        long commits = store.storeView().checkpointsCommitted();
        long operation = from;
        try
        {
            while (true)
            {
                operation++;
                report.intent(operation);
                final long position = workload.apply(
                    store, batch, operation, FAULT_ACK_EARLY ? Durability.NONE : level);
                positions[(int)(operation & (POSITION_RING - 1))] = position;
                if (Durability.NONE != level || FAULT_ACK_EARLY)
                {
                    report.ack(operation, position);
                }
                else if (0 == (operation & 63))
                {
                    store.awaitDurable(position);
                    report.ack(operation, position);
                }
                if (0 == operation % 1500 && store.checkpoint())
                {
                    out.println("CKPT " + operation);
                    out.flush();
                }
                store.isCheckpointInProgress();
                if (store.storeView().checkpointsCommitted() != commits)
                {
                    commits = store.storeView().checkpointsCommitted();
                    final long checkpointPosition = store.storeView().lastCheckpointPosition();
                    final long k = operationAt(positions, checkpointPosition, from, operation, startPosition);
                    if (k >= 0)
                    {
                        report.checkpointed(k);
                    }
                    out.println("COMMIT k=" + k + " position=" + checkpointPosition);
                    out.flush();
                }
                if (0 == (operation & 255))
                {
                    store.poll();
                }
                if (0 == (operation & 511))
                {
                    out.println("SHAPES overMtu=" + workload.batchesOverMtu + " largestLength=" +
                        workload.largestBatchLength + " largestOperations=" + workload.largestBatchOperations +
                        " valuesAtMax=" + workload.valuesAtMax);
                    out.flush();
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

    private static final int POSITION_RING = 1 << 16;

    /**
     * The operation count of the state at a log position: the last operation that ends at or before it, or -1 if it
     * is older than the ring remembers.
     */
    private static long operationAt(
        final long[] positions, final long position, final long from, final long last, final long startPosition)
    {
        for (long operation = last; operation > from && operation > last - POSITION_RING; operation--)
        {
            if (positions[(int)(operation & (POSITION_RING - 1))] <= position)
            {
                return operation;
            }
        }
        return position >= startPosition && last - from < POSITION_RING ? from : -1;
    }

    /**
     * The report file, little-endian longs written with release stores into a shared mapping: last intended operation
     * at offset 0, last acknowledged at 8, the operation count of the newest committed checkpoint at 16, the log
     * position of the last acknowledged operation at 24.
     */
    static final class Report
    {
        static final int INTENT_OFFSET = 0;
        static final int ACK_OFFSET = 8;
        static final int CHECKPOINTED_OFFSET = 16;
        static final int ACK_POSITION_OFFSET = 24;
        static final int LENGTH = 32;

        private final org.agrona.concurrent.UnsafeBuffer buffer;

        Report(final File file)
        {
            final java.nio.MappedByteBuffer mapping = org.agrona.IoUtil.mapNewFile(file, 4096);
            buffer = new org.agrona.concurrent.UnsafeBuffer(mapping);
            buffer.putLongRelease(CHECKPOINTED_OFFSET, -1);
            buffer.putLongRelease(ACK_POSITION_OFFSET, -1);
        }

        void intent(final long operation)
        {
            buffer.putLongRelease(INTENT_OFFSET, operation);
        }

        void ack(final long operation, final long position)
        {
            buffer.putLongRelease(ACK_POSITION_OFFSET, position);
            buffer.putLongRelease(ACK_OFFSET, operation);
        }

        void checkpointed(final long operation)
        {
            buffer.putLongRelease(CHECKPOINTED_OFFSET, operation);
        }

        /**
         * @return intent, ack, checkpointed, ack position; each -1 if unknown.
         */
        static long[] read(final File file) throws java.io.IOException
        {
            final long[] values = { -1, -1, -1, -1 };
            if (!file.exists())
            {
                return values;
            }
            final byte[] bytes = java.nio.file.Files.readAllBytes(file.toPath());
            if (bytes.length >= LENGTH)
            {
                final java.nio.ByteBuffer buffer =
                    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder());
                for (int i = 0; i < values.length; i++)
                {
                    values[i] = buffer.getLong(i * 8);
                }
            }
            return values;
        }
    }

    static DurableStoreContext context(final File dir, final Durability level, final String aeronDir)
    {
        final DurableStoreContext ctx = new DurableStoreContext().storeContext(new StoreContext().dir(dir)
            .keyLength(TransferWorkload.KEY_LENGTH).maxValueLength(TransferWorkload.MAX_VALUE_LENGTH)
            .capacity(TransferWorkload.CAPACITY))
            .durability(level)
            .termLength(TransferWorkload.TERM_LENGTH)
            .segmentFileLength(1024 * 1024)
            .checkpointLogBytes(512 * 1024)
            .checkpointIntervalNs(TimeUnit.MILLISECONDS.toNanos(300))
            .durableTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .errorHandler((throwable) -> System.err.println("error: " + oneLine(throwable)));
        final long objectiveMs = Long.getLong(RTO_MS_PROP_NAME, 0);
        if (objectiveMs > 0)
        {
            ctx.recoveryTimeObjectiveNs(TimeUnit.MILLISECONDS.toNanos(objectiveMs)).checkpointLogBytes(1L << 40)
                .checkpointIntervalNs(TimeUnit.HOURS.toNanos(1));
        }
        if (null != aeronDir)
        {
            ctx.embedded(false).aeronDirectoryName(aeronDir).archiveFileSyncLevel(Durability.SYNCED == level ? 1 : 0);
            final String archiveDir = System.getProperty(ARCHIVE_DIR_PROP_NAME);
            if (null != archiveDir)
            {
                ctx.archiveDirectory(new File(archiveDir));
            }
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
