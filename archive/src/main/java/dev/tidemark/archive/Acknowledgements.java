/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.TidemarkException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Asynchronous acknowledgements of a durable store's writes: write at {@link Durability#NONE}, {@link #track} the
 * position the write returned with a correlation id of yours, and the {@link Handler} hears of each write, in order,
 * once the log is durable to its position at the archive's sync level (recorded, or recorded and forced at
 * {@code fileSyncLevel >= 1}: what {@link DurableStore#durablePosition()} counts). The writer never waits for a round
 * trip per write; the archive's recorder and its forces cover whatever accumulated since the last. The same promise
 * as a write at RECORDED or SYNCED, made once per write but not inside it.
 * <p>
 * <b>Bounds.</b> At most {@code capacity} writes and {@code maxBytesInFlight} bytes of log may wait for their
 * acknowledgement. {@link #track} at either bound delivers what is durable and, while there is still no room, waits
 * (back-pressure), for at most {@link DurableStoreContext#durableTimeoutNs()}: then it throws, and the write it was
 * given stays unacknowledged (it is in the log, but nothing says it is durable).
 * <p>
 * <b>Threading.</b> Writer thread only, like the store: {@link #track} and {@link #poll} run the handler on it. Zero
 * allocation. A write the store refused is never tracked (the write threw); a store that failed (a recording stopped
 * under it) or was closed makes {@link #poll} and {@link #track} throw, the writes still pending unacknowledged. A
 * handler that throws ends that poll: the write it was called for counts as delivered, the rest stay pending.
 * <pre>{@code
 * Acknowledgements acks = new Acknowledgements(store, (orderId, position) -> confirm(orderId), 65_536, 1 << 20);
 * ...
 * acks.track(orderId, store.put(account, balance, 0, 8, Durability.NONE));
 * ...
 * acks.poll(); // in the duty cycle, with store.poll()
 * }</pre>
 */
public final class Acknowledgements
{
    /**
     * Hears of each tracked write once it is durable, in the order they were tracked.
     */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * @param correlationId the id given to {@link #track}.
         * @param position      the write's position, now durable.
         */
        void onAcknowledged(long correlationId, long position);
    }

    private final DurableStore store;
    private final Handler handler;
    private final int mask;
    private final long maxBytesInFlight;
    private final long timeoutNs;
    private final long[] correlationIds;
    private final long[] positions;
    private final IdleStrategy idleStrategy = new BackoffIdleStrategy(
        100, 100, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));
    private long head;
    private long tail;
    private long lastTrackedPosition = Long.MIN_VALUE;

    /**
     * @param store            the store whose writes are tracked.
     * @param handler          hears of each durable write.
     * @param capacity         the most writes waiting at once, a power of two.
     * @param maxBytesInFlight the most log bytes between the durable position and the newest tracked write.
     */
    public Acknowledgements(
        final DurableStore store, final Handler handler, final int capacity, final long maxBytesInFlight)
    {
        if (null == store || null == handler)
        {
            throw new IllegalArgumentException("store and handler must not be null: store=" + store + " handler=" +
                handler);
        }
        if (capacity < 1 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a positive power of two: capacity=" + capacity);
        }
        if (maxBytesInFlight < 1)
        {
            throw new IllegalArgumentException("maxBytesInFlight must be positive: maxBytesInFlight=" +
                maxBytesInFlight);
        }
        this.store = store;
        this.handler = handler;
        this.mask = capacity - 1;
        this.maxBytesInFlight = maxBytesInFlight;
        this.timeoutNs = store.ctx.durableTimeoutNs();
        this.correlationIds = new long[capacity];
        this.positions = new long[capacity];
    }

    /**
     * Track a write: its handler call comes once the log is durable to its position. At a bound, deliver what is
     * durable and wait for room (see the class comment).
     *
     * @param correlationId an id of yours for the write, handed back to the handler.
     * @param position      the position the write returned; never lower than the last one tracked.
     * @return the position.
     * @throws IllegalArgumentException if the position is lower than the last one tracked.
     * @throws TidemarkException        if there is no room within the durable timeout, or the recording stopped.
     */
    public long track(final long correlationId, final long position)
    {
        if (position < lastTrackedPosition)
        {
            throw new IllegalArgumentException("positions must be tracked in the order the writes were made: " +
                "position=" + position + " after " + lastTrackedPosition);
        }
        if (tail - head > mask || position - durablePosition() > maxBytesInFlight)
        {
            awaitRoom(position);
        }
        final int index = (int)tail & mask;
        correlationIds[index] = correlationId;
        positions[index] = position;
        tail++;
        lastTrackedPosition = position;
        return position;
    }

    /**
     * Deliver every tracked write that is now durable, in order.
     *
     * @return how many were delivered.
     * @throws TidemarkException if the recording stopped under the store.
     */
    public int poll()
    {
        if (head == tail)
        {
            return 0;
        }
        final long durable = durablePosition();
        int delivered = 0;
        while (head < tail)
        {
            final int index = (int)head & mask;
            final long position = positions[index];
            if (position > durable)
            {
                break;
            }
            head++;
            delivered++;
            handler.onAcknowledged(correlationIds[index], position);
        }
        return delivered;
    }

    /**
     * @return writes tracked and not yet delivered.
     */
    public int pending()
    {
        return (int)(tail - head);
    }

    /**
     * @return the position of the oldest write not yet delivered, or -1 if none.
     */
    public long oldestPendingPosition()
    {
        return head == tail ? -1 : positions[(int)head & mask];
    }

    private void awaitRoom(final long position)
    {
        final long deadline = System.nanoTime() + timeoutNs;
        idleStrategy.reset();
        while (true)
        {
            poll();
            if (tail - head <= mask && position - durablePosition() <= maxBytesInFlight)
            {
                return;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new TidemarkException(TidemarkException.Category.ERROR, "no room to track position=" +
                    position + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms: " + pending() +
                    " writes pending, durable position=" + durablePosition() + ", maxBytesInFlight=" +
                    maxBytesInFlight + "; the write is in the log but not acknowledged: dir=" +
                    store.storeView().dir());
            }
            idleStrategy.idle();
        }
    }

    private long durablePosition()
    {
        final long durable = store.durablePosition();
        if (durable < 0)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL, "recording " + store.recordingId() +
                " stopped under the store: " + pending() + " writes left unacknowledged, the oldest at position=" +
                oldestPendingPosition() + ": dir=" + store.storeView().dir());
        }
        return durable;
    }
}
