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
 * <b>Threading.</b> Writer thread only, like the store: {@link #track}, {@link #poll} and {@link #drain} run the
 * handler on it. Zero allocation. A write the store refused is never tracked (the write threw); a store that failed
 * (a recording stopped under it) or was closed makes them throw, the writes still pending unacknowledged, so
 * {@link #drain} before closing the store. A handler that throws ends that poll: the write it was called for counts
 * as delivered, the rest stay pending; inside {@link #track} (delivering to make room) the handler's exception goes to
 * the store's error handler instead, so that it never costs the write being tracked. The handler may itself track
 * writes when called from {@link #poll}, but not at a bound (it would wait for deliveries that only its own return
 * allows), nor when called from a {@link #track} making room (its write would go ahead of that track's): both are
 * refused at once. A poll from inside it delivers nothing and a drain is refused: every handler call returns before
 * the next begins.
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
    private boolean delivering;
    private boolean makingRoom;
    private long makingRoomFor;

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
     * @throws IllegalArgumentException if the position is lower than the last one tracked, or beyond the store's.
     * @throws IllegalStateException    if called from the handler with no room.
     * @throws TidemarkException        if there is no room within the durable timeout, or the recording stopped.
     */
    public long track(final long correlationId, final long position)
    {
        if (position < lastTrackedPosition)
        {
            throw new IllegalArgumentException("positions must be tracked in the order the writes were made: " +
                "position=" + position + " after " + lastTrackedPosition);
        }
        if (makingRoom)
        {
            // Its position is beyond the one the outer track is making room for, which must be tracked first.
            throw new IllegalStateException("track from the handler while a track at a bound delivers to make room " +
                "for position=" + makingRoomFor + ": a write tracked now would go ahead of that one; track it after");
        }
        final long durable = durablePosition();
        if (position > store.position())
        {
            throw new IllegalArgumentException("position=" + position + " is beyond the store's position=" +
                store.position() + ": track the position a write returned");
        }
        if (tail - head > mask || position - durable > maxBytesInFlight)
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
        return deliver(false);
    }

    private int deliver(final boolean reportHandlerErrors)
    {
        if (head == tail || delivering)
        {
            return 0;
        }
        final long durable = durablePosition();
        int delivered = 0;
        delivering = true;
        try
        {
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
                try
                {
                    handler.onAcknowledged(correlationIds[index], position);
                }
                catch (final RuntimeException ex)
                {
                    if (!reportHandlerErrors)
                    {
                        throw ex;
                    }
                    // Delivered to make room for a write being tracked: not that write's to lose.
                    store.ctx.errorHandler().onError(ex);
                }
            }
        }
        finally
        {
            delivering = false;
        }
        return delivered;
    }

    /**
     * Deliver until nothing is pending, waiting for the log to become durable: before closing the store, whose close
     * leaves whatever is still pending undeliverable.
     *
     * @param timeoutNs how long to wait.
     * @return true if nothing is pending on return, false if the time ran out.
     * @throws TidemarkException if the recording stopped under the store.
     */
    public boolean drain(final long timeoutNs)
    {
        if (delivering)
        {
            throw new IllegalStateException("drain from inside the handler: nothing can be delivered until it returns");
        }
        final long deadline = System.nanoTime() + timeoutNs;
        idleStrategy.reset();
        while (true)
        {
            poll();
            if (head == tail)
            {
                return true;
            }
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            idleStrategy.idle();
        }
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
        if (delivering)
        {
            throw new IllegalStateException("no room to track position=" + position + " from inside the handler: " +
                pending() + " writes pending, which only the handler's return can deliver; track it after the poll");
        }
        final long deadline = System.nanoTime() + timeoutNs;
        idleStrategy.reset();
        makingRoom = true;
        makingRoomFor = position;
        try
        {
            awaitRoom(position, deadline);
        }
        finally
        {
            makingRoom = false;
        }
    }

    private void awaitRoom(final long position, final long deadline)
    {
        while (true)
        {
            deliver(true);
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
