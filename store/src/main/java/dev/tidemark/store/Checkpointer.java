/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The background half of a checkpoint: copies the pages still pending from the live region into the target slot,
 * waits until the log is durable to the checkpoint's position, writes the slot's copy of the header to be, forces the
 * slot, then writes and forces its header record. The writer's half, which copies a still-pending page itself before its first write to it, is in
 * {@link PageTracker}.
 * <p>
 * Page ownership: a page is copied by whoever clears its bit in the pending set with a CAS. The copier announces the
 * page it is about to claim in {@link #copierPage()} before its CAS, so a writer that finds the bit already clear
 * waits while the copier still works on that page.
 * <p>
 * Threading: {@link #submit} and the result getters are called by the writer thread; {@link #doWork()} by the
 * checkpointer thread (an {@code AgentRunner}), or through an {@code AgentInvoker} by a thread of the user's and by
 * the writer waiting in {@code awaitCheckpoint}. One duty cycle runs at a time, whoever calls: a call that finds
 * another thread inside one returns 0 at once. The agent's plain fields pass from one driver to the next through the
 * guard, taken with a CAS and given back with a release store.
 */
final class Checkpointer implements Agent
{
    static final int STATUS_NONE = 0;
    static final int STATUS_COMMITTED = 1;
    static final int STATUS_ABORTED = 2;
    static final int STATUS_FAILED = 3;

    static final VarHandle LONG_ARRAY = MethodHandles.arrayElementVarHandle(long[].class);

    private static final int FREE = 0;
    private static final int DRIVING = 1;
    private static final int CLOSED = 2;
    private static final VarHandle DRIVER;

    static
    {
        try
        {
            DRIVER = MethodHandles.lookup().findVarHandle(Checkpointer.class, "driver", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private static final int IDLE = 0;
    private static final int COPYING = 1;
    private static final int AWAITING_COPIES = 2;
    private static final int AWAITING_DURABLE = 3;
    private static final int COMMITTING = 4;

    private final UnsafeBuffer live;
    private final SnapshotSlot[] slots;
    private final HeaderFile header;
    private final DurableLog durableLog;
    private final ErrorHandler errorHandler;
    private final NanoClock clock;
    private final long durableTimeoutNs;
    private final int pagesPerDutyCycle;

    private final PageChecksum checksum = new PageChecksum();
    private final ByteBuffer[] imageViews;
    private final SlotRecord committing = new SlotRecord();
    private int phase = IDLE;
    private int scanWord;
    private long deadlineNs;
    private int pagesCopied;

    private final AtomicInteger remaining = new AtomicInteger();

    // Pre-images the writer saved of pages it claimed: a single-producer (writer), single-consumer (checkpointer)
    // ring of whole pages in anonymous memory, so the writer does not write the slot's file mapping itself.
    private final int pageSize;
    private final int preImageCapacity;
    private final UnsafeBuffer preImages;
    private final int[] preImagePages;
    private volatile long preImageTail;
    private volatile long preImageHead;
    private volatile int copierPage = -1;
    private volatile long submittedCount;
    private volatile long completedCount;
    private volatile Throwable fatalError;
    private volatile int driver = FREE;

    // The request: written by the writer before submittedCount is incremented, read by the agent after.
    private long[] requestPending;
    private int requestTarget;
    private long requestStartNs;
    private final SlotRecord requestRecord = new SlotRecord();

    // The result: written by the agent before completedCount is incremented, read by the writer after.
    private int resultStatus = STATUS_NONE;
    private Throwable resultCause;
    private long resultDurationNs;
    private int resultPagesCopied;

    Checkpointer(
        final UnsafeBuffer live,
        final SnapshotSlot[] slots,
        final HeaderFile header,
        final DurableLog durableLog,
        final ErrorHandler errorHandler,
        final NanoClock clock,
        final long durableTimeoutNs,
        final int pagesPerDutyCycle,
        final int pageSize,
        final int preImageCapacity)
    {
        this.pageSize = pageSize;
        this.preImageCapacity = preImageCapacity;
        this.preImages = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(1, preImageCapacity) * pageSize));
        this.preImages.setMemory(0, preImages.capacity(), (byte)0);
        this.preImagePages = new int[Math.max(1, preImageCapacity)];
        this.live = live;
        this.slots = slots;
        this.header = header;
        this.durableLog = durableLog;
        this.errorHandler = errorHandler;
        this.clock = clock;
        this.durableTimeoutNs = durableTimeoutNs;
        this.pagesPerDutyCycle = pagesPerDutyCycle;
        this.imageViews = new ByteBuffer[] { slots[0].newImageView(), slots[1].newImageView() };
    }

    public String roleName()
    {
        return "tidemark-checkpointer";
    }

    // ---------------------------------------------------------------- writer side

    /**
     * Hand a checkpoint to the agent. The writer has already swapped {@code pending} out of its dirty set.
     */
    void submit(final int target, final long[] pending, final int pendingCount, final SlotRecord record)
    {
        requestTarget = target;
        requestPending = pending;
        requestRecord.set(record);
        requestStartNs = clock.nanoTime();
        remaining.set(pendingCount);
        submittedCount = submittedCount + 1;
    }

    boolean isComplete()
    {
        return completedCount == submittedCount;
    }

    int resultStatus()
    {
        return resultStatus;
    }

    Throwable resultCause()
    {
        return resultCause;
    }

    long resultDurationNs()
    {
        return resultDurationNs;
    }

    int resultPagesCopied()
    {
        return resultPagesCopied;
    }

    int copierPage()
    {
        return copierPage;
    }

    void writerCopiedPage()
    {
        remaining.decrementAndGet();
    }

    /**
     * Writer: save the pre-image of a page it has claimed, for the checkpointer to write into the slot.
     *
     * @return false if the ring is full; the writer then copies the page into the slot itself.
     */
    boolean offerPreImage(final UnsafeBuffer live, final int page)
    {
        final long tail = preImageTail;
        if (tail - preImageHead >= preImageCapacity)
        {
            return false;
        }
        final int index = (int)(tail % preImageCapacity);
        preImages.putBytes(index * pageSize, live, page * pageSize, pageSize);
        preImagePages[index] = page;
        preImageTail = tail + 1;
        return true;
    }

    Throwable fatalError()
    {
        return fatalError;
    }

    void fail(final Throwable cause)
    {
        if (null == fatalError)
        {
            fatalError = cause;
        }
    }

    /**
     * Writer, on close: wait until no thread is inside a duty cycle, then let none in again, so that the slots and
     * the header can be unmapped and closed under no one. Waits as long as a duty cycle takes (a force, at worst).
     */
    void closeDriving(final IdleStrategy idleStrategy)
    {
        idleStrategy.reset();
        while (!DRIVER.compareAndSet(this, FREE, CLOSED))
        {
            if (CLOSED == driver)
            {
                return;
            }
            idleStrategy.idle();
        }
    }

    // ---------------------------------------------------------------- agent side

    public int doWork()
    {
        if (!DRIVER.compareAndSet(this, FREE, DRIVING))
        {
            return 0;
        }
        try
        {
            return dutyCycle();
        }
        finally
        {
            driver = FREE;
        }
    }

    private int dutyCycle()
    {
        switch (phase)
        {
            case IDLE:
                if (completedCount == submittedCount)
                {
                    return 0;
                }
                phase = COPYING;
                scanWord = 0;
                pagesCopied = 0;
                return 1;

            case COPYING:
                return drainPreImages() + copyPendingPages();

            case AWAITING_COPIES:
                final int drained = drainPreImages();
                if (0 == remaining.get())
                {
                    phase = AWAITING_DURABLE;
                    deadlineNs = clock.nanoTime() + durableTimeoutNs;
                    return 1;
                }
                return drained;

            case AWAITING_DURABLE:
                return awaitDurable();

            case COMMITTING:
                commit();
                return 1;

            default:
                throw new IllegalStateException("unknown phase: " + phase);
        }
    }

    private int drainPreImages()
    {
        long head = preImageHead;
        final long tail = preImageTail;
        if (head == tail)
        {
            return 0;
        }
        final SnapshotSlot target = slots[requestTarget];
        final ByteBuffer view = imageViews[requestTarget];
        int drained = 0;
        while (head < tail && drained < pagesPerDutyCycle)
        {
            final int index = (int)(head % preImageCapacity);
            target.copyPageFrom(preImages, index * pageSize, preImagePages[index], view, checksum);
            head++;
            preImageHead = head;
            remaining.decrementAndGet();
            pagesCopied++;
            drained++;
        }
        return drained;
    }

    private int copyPendingPages()
    {
        final long[] pending = requestPending;
        final SnapshotSlot target = slots[requestTarget];
        final ByteBuffer view = imageViews[requestTarget];
        int copied = 0;

        while (scanWord < pending.length && copied < pagesPerDutyCycle)
        {
            final long word = (long)LONG_ARRAY.getVolatile(pending, scanWord);
            if (0 == word)
            {
                scanWord++;
                continue;
            }

            final int bitIndex = Long.numberOfTrailingZeros(word);
            final int page = (scanWord << 6) + bitIndex;
            copierPage = page;
            if (LONG_ARRAY.compareAndSet(pending, scanWord, word, word & ~(1L << bitIndex)))
            {
                target.copyPage(live, page, view, checksum);
                copierPage = -1;
                remaining.decrementAndGet();
                copied++;
                pagesCopied++;
            }
            else
            {
                copierPage = -1;
            }
        }

        if (scanWord >= pending.length)
        {
            phase = AWAITING_COPIES;
        }

        return copied;
    }

    private int awaitDurable()
    {
        final long position = requestRecord.position;
        if (durableLog.durablePosition() >= position)
        {
            phase = COMMITTING;
            return 1;
        }
        if (clock.nanoTime() - deadlineNs > 0)
        {
            complete(STATUS_ABORTED, new TidemarkException(
                TidemarkException.Category.ERROR,
                "checkpoint aborted: log not durable to position=" + position + " within " +
                (durableTimeoutNs / 1_000_000) + " ms (durable position=" + durableLog.durablePosition() +
                "), slot " + SlotDescriptor.slotName(requestTarget) + " keeps no image until the next checkpoint"));
        }
        return 0;
    }

    private void commit()
    {
        final int target = requestTarget;
        final SnapshotSlot slot = slots[target];
        try
        {
            durableLog.forceTo(requestRecord.position);
            // Every page is in the slot, so its CRC table is final: the record, and the header copy the slot keeps
            // (forced with the image, before the header commit) can be made now.
            committing.set(requestRecord);
            committing.pageTableCrc = slot.pageTableCrc(checksum);
            header.prepareCommit(target, committing);
            slot.writeHeaderCopy(header.preparedCopy());
            KillPoints.reach(KillPoints.CHECKPOINT_BEFORE_DATA_FORCE);
            slot.force();
            KillPoints.reach(KillPoints.CHECKPOINT_AFTER_DATA_FORCE);
            header.writeCommit();
            KillPoints.reach(KillPoints.CHECKPOINT_AFTER_HEADER_FORCE);
            complete(STATUS_COMMITTED, null);
        }
        catch (final IOException | RuntimeException ex)
        {
            final TidemarkException failure = new TidemarkException(
                TidemarkException.Category.FATAL,
                "checkpoint at position=" + requestRecord.position + " to slot " + SlotDescriptor.slotName(target) +
                " failed (log force, " + slot.file() + ", header " + header.file() + "), store is fail-stop: no " +
                "further writes or checkpoints", ex);
            fail(failure);
            complete(STATUS_FAILED, failure);
        }
    }

    private void complete(final int status, final Throwable cause)
    {
        resultStatus = status;
        resultCause = cause;
        resultDurationNs = clock.nanoTime() - requestStartNs;
        resultPagesCopied = pagesCopied;
        requestPending = null;
        phase = IDLE;
        completedCount = completedCount + 1;
        if (null != cause)
        {
            errorHandler.onError(cause);
        }
    }
}
