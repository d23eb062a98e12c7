/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Both ends of the page hand-off of a checkpoint in progress, between the writer and the copier (the checkpointer's
 * agent), in one class as Agrona keeps both ends of its one-to-one ring buffer in one: the pending set, the page the
 * copier is working on, the ring of pre-images the writer saves, and the count of pages still to reach the slot.
 * <p>
 * <b>Claim protocol.</b> A pending page is copied into the target slot by whoever clears its bit in the pending set
 * with a CAS. The copier announces the page it is about to claim in {@code copierPage} before its CAS and withdraws
 * it after its copy, so a writer that finds the bit already clear waits while the copier still works on that page.
 * A writer that wins a page saves its pre-image into the ring (single producer: the writer; single consumer: the
 * copier), published by a release store of the ring's tail; when the ring is full, or off, the writer copies the
 * page into the slot itself.
 * <p>
 * <b>Threading.</b> The {@code writer*} methods run on the writer thread only. The {@code copier*} methods run only
 * inside {@link #copierEnter()} ... {@link #copierExit()}: the driver guard, taken with a CAS and given back with a
 * release store, so one thread at a time is the copier whoever calls (the checkpointer thread, or an invoker's
 * thread, or the writer waiting for a checkpoint), and the copier's plain fields pass from one driver to the next
 * through it. The request fields ({@code pending}, {@code target}) are written by the writer in
 * {@link #writerBegin(int, long[], int)} before the checkpointer publishes the request with a volatile counter.
 * <p>
 * <b>Layout.</b> Each field one side writes while the other reads sits on its own 128-byte span (two cache lines,
 * for the adjacent-line prefetcher), padded with longs declared around it: HotSpot lays out fields of one size in
 * declaration order, and {@code CheckpointHandshakeTest} pins the offsets. Every hot field is a long for that reason.
 */
final class CheckpointHandshake
{
    static final VarHandle LONG_ARRAY = MethodHandles.arrayElementVarHandle(long[].class);

    private static final long NO_PAGE = -1;
    private static final long FREE = 0;
    private static final long DRIVING = 1;
    private static final long CLOSED = 2;
    private static final VarHandle DRIVER;
    private static final VarHandle REMAINING;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            DRIVER = lookup.findVarHandle(CheckpointHandshake.class, "driver", long.class);
            REMAINING = lookup.findVarHandle(CheckpointHandshake.class, "remaining", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    long p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;

    // Copier writes it twice per page it copies; the writer reads it on every write while a checkpoint copies.
    private volatile long copierPage = NO_PAGE;

    long p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111, p112, p113, p114, p115;

    // Ring consumer position: copier writes, writer reads when it offers a pre-image.
    private volatile long preImageHead;

    long p200, p201, p202, p203, p204, p205, p206, p207, p208, p209, p210, p211, p212, p213, p214, p215;

    // Ring producer position: writer writes, copier reads when it drains.
    private volatile long preImageTail;

    long p300, p301, p302, p303, p304, p305, p306, p307, p308, p309, p310, p311, p312, p313, p314, p315;

    // Pages of the checkpoint not yet in the slot: both sides decrement.
    private volatile long remaining;

    long p400, p401, p402, p403, p404, p405, p406, p407, p408, p409, p410, p411, p412, p413, p414, p415;

    // The driver guard: FREE, DRIVING (a copier is inside a duty cycle) or CLOSED.
    private volatile long driver = FREE;

    long p500, p501, p502, p503, p504, p505, p506, p507, p508, p509, p510, p511, p512, p513, p514, p515;

    // Writer's own: counts of the pages it copied itself.
    private long writerCopies;
    private long writerSlotCopies;

    long p600, p601, p602, p603, p604, p605, p606, p607, p608, p609, p610, p611, p612, p613, p614, p615;

    // Copier's own: the next word of the pending set to scan.
    private long scanWord;

    long p700, p701, p702, p703, p704, p705, p706, p707, p708, p709, p710, p711, p712, p713, p714, p715;

    private final UnsafeBuffer live;
    private final SnapshotSlot[] slots;
    private final int pageSize;
    private final int preImageCapacity;
    private final UnsafeBuffer preImages;
    private final int[] preImagePages;
    private final ByteBuffer[] writerViews;
    private final ByteBuffer copierLiveView;
    private final ByteBuffer copierPreImageView;
    private final PageChecksum writerChecksum = new PageChecksum();
    private final PageChecksum copierChecksum = new PageChecksum();

    // The request: written by the writer before the checkpoint is published, read by the copier after.
    private long[] pending;
    private int target;

    CheckpointHandshake(
        final UnsafeBuffer live, final SnapshotSlot[] slots, final int pageSize, final int preImageCapacity)
    {
        this.live = live;
        this.slots = slots;
        this.pageSize = pageSize;
        this.preImageCapacity = preImageCapacity;
        final ByteBuffer preImageMemory = ByteBuffer.allocateDirect(Math.max(1, preImageCapacity) * pageSize);
        this.preImages = new UnsafeBuffer(preImageMemory);
        this.preImages.setMemory(0, preImages.capacity(), (byte)0);
        this.preImagePages = new int[Math.max(1, preImageCapacity)];
        this.writerViews = new ByteBuffer[] { slots[0].newImageView(), slots[1].newImageView() };
        this.copierLiveView = live.byteBuffer().duplicate();
        this.copierPreImageView = preImageMemory.duplicate();
    }

    // ---------------------------------------------------------------- writer half

    /**
     * Writer: hand the pending set of a new checkpoint to the copier; published by the checkpointer's request.
     */
    void writerBegin(final int target, final long[] pending, final int pendingCount)
    {
        this.target = target;
        this.pending = pending;
        remaining = pendingCount;
    }

    /**
     * Writer, before its first write to a page while a checkpoint copies: if the page is still pending, claim it and
     * save its pre-image (into the ring, else into the slot itself); if the copier holds it, wait until it is done.
     */
    void writerClaim(final long[] pending, final int page, final int word, final long bit)
    {
        long bits = (long)LONG_ARRAY.getVolatile(pending, word);
        while (0 != (bits & bit))
        {
            if (LONG_ARRAY.compareAndSet(pending, word, bits, bits & ~bit))
            {
                if (!writerOfferPreImage(page))
                {
                    slots[target].copyPage(live, page, writerViews[target], writerChecksum);
                    REMAINING.getAndAdd(this, -1L);
                    writerSlotCopies++;
                }
                writerCopies++;
                return;
            }
            bits = (long)LONG_ARRAY.getVolatile(pending, word);
        }

        while (copierPage == page)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * @return false if the ring is full (or off); the writer then copies the page into the slot itself.
     */
    private boolean writerOfferPreImage(final int page)
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

    long writerCopies()
    {
        return writerCopies;
    }

    long writerSlotCopies()
    {
        return writerSlotCopies;
    }

    /**
     * Writer, on close: wait until no thread is inside a duty cycle, then let none in again, so that the slots and
     * the header can be unmapped and closed under no one. Waits as long as a duty cycle takes (a force, at worst).
     */
    void writerCloseCopier(final IdleStrategy idleStrategy)
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

    // ---------------------------------------------------------------- copier half

    /**
     * Become the copier for one duty cycle.
     *
     * @return false if another thread is the copier now, or the store is closing: do nothing.
     */
    boolean copierEnter()
    {
        return DRIVER.compareAndSet(this, FREE, DRIVING);
    }

    /**
     * End the duty cycle begun by a successful {@link #copierEnter()}.
     */
    void copierExit()
    {
        driver = FREE;
    }

    /**
     * Start scanning the pending set of the checkpoint just published.
     */
    void copierBegin()
    {
        scanWord = 0;
    }

    int copierTarget()
    {
        return target;
    }

    /**
     * Write the pre-images the writer saved into the target slot.
     *
     * @return the pages written, at most {@code limit}.
     * @throws IOException if a write to the slot fails.
     */
    int copierDrainPreImages(final int limit) throws IOException
    {
        long head = preImageHead;
        final long tail = preImageTail;
        if (head == tail)
        {
            return 0;
        }
        final SnapshotSlot slot = slots[target];
        int drained = 0;
        while (head < tail && drained < limit)
        {
            final int index = (int)(head % preImageCapacity);
            slot.writePage(copierPreImageView, index * pageSize, preImagePages[index], copierChecksum);
            head++;
            preImageHead = head;
            REMAINING.getAndAdd(this, -1L);
            drained++;
        }
        return drained;
    }

    /**
     * Claim and copy pending pages from the live region into the target slot, scanning on from where the last call
     * stopped.
     *
     * @return the pages copied, at most {@code limit}.
     * @throws IOException if a write to the slot fails (the page is released to a waiting writer all the same;
     *                     the checkpoint then fails and the store is fail-stop).
     */
    int copierCopyPending(final int limit) throws IOException
    {
        final long[] pending = this.pending;
        final SnapshotSlot slot = slots[target];
        int copied = 0;

        while (scanWord < pending.length && copied < limit)
        {
            final int word = (int)scanWord;
            final long bits = (long)LONG_ARRAY.getVolatile(pending, word);
            if (0 == bits)
            {
                scanWord++;
                continue;
            }

            final int bitIndex = Long.numberOfTrailingZeros(bits);
            final int page = (word << 6) + bitIndex;
            copierPage = page;
            if (LONG_ARRAY.compareAndSet(pending, word, bits, bits & ~(1L << bitIndex)))
            {
                try
                {
                    slot.writePage(copierLiveView, page * pageSize, page, copierChecksum);
                }
                finally
                {
                    copierPage = NO_PAGE;
                }
                REMAINING.getAndAdd(this, -1L);
                copied++;
            }
            else
            {
                copierPage = NO_PAGE;
            }
        }

        return copied;
    }

    /**
     * @return true once the scan has passed the end of the pending set: what is left is in the writer's hands.
     */
    boolean copierScanDone()
    {
        return scanWord >= pending.length;
    }

    /**
     * @return true once every pending page is in the slot, the writer's pre-images included.
     */
    boolean copierAllCopied()
    {
        return 0 == remaining;
    }
}
