/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.ArgumentChecks;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.TidemarkException;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.archive.HandoffDescriptor.*;

/**
 * Writes from threads other than the writer: each {@link Producer} (one per thread) offers change requests into a
 * many-to-one ring (Agrona's {@code ManyToOneRingBuffer}, {@link HandoffDescriptor}), and the writer's duty cycle,
 * {@link #poll()} or this class run as an {@link Agent}, applies them to the store in ring order at
 * {@link Durability#NONE}, so no producer ever waits inside the writer. Each request gets a ticket (1, 2, ... per
 * producer) and two completions the producer can poll or wait on: <em>applied</em> (with its result: the log
 * position, or why it was refused) and <em>durable</em> (the log is durable to that position at the archive's sync
 * level, as {@link DurableStore#durablePosition()} counts, so acknowledged as a RECORDED or SYNCED write would be).
 * <p>
 * <b>Order.</b> One producer's requests are applied in the order it offered them, each exactly once; requests of
 * different producers interleave in the order their offers reached the ring. Completions are delivered in ticket
 * order per producer.
 * <p>
 * <b>Back-pressure.</b> An offer returns {@link #BACK_PRESSURED} (nothing enqueued) when the ring has no room, or when
 * the producer already has {@code window} requests that are not yet durable. An offer of bad input (a value too long,
 * a key of the wrong length, a batch longer than the ring's largest request) throws before anything is enqueued.
 * <p>
 * <b>Results.</b> {@link Producer#result(long)} is the position (&gt;= 0) or {@link #TABLE_FULL} or {@link #REJECTED}
 * (the store refused the request's content, say a batch malformed for it), both of which changed nothing, or
 * {@link #FAILED}: the store could not take it ({@link #lastError()} says why): back-pressure past its deadline
 * (nothing changed), or the store failed or was closed (then {@link #failure()} is set and every later request
 * fails; a batch too long for one claim may then be in the log, though not applied, and the next open replays it).
 * A producer may read a ticket's result until it offers the ticket {@code window} places later. After a failure,
 * requests applied but not yet durable never complete as durable.
 * <p>
 * <b>Threading and memory order.</b> Producers: one thread each (a producer is not safe for two), any number of them
 * up to {@code maxProducers}, made once per thread and never freed; {@link #newProducer()} on any thread. The writer: {@link #poll()} and {@link #close()} on the store's writer thread;
 * as an {@link Agent} the runner's thread claims the store in {@link #onStart()} and {@link #onClose()} drains the ring
 * and closes the store. A producer's offer is a release (the ring's commit); the writer's read is an acquire; the
 * writer stores a result before it releases the applied ticket, so a producer that reads the ticket with acquire sees
 * the result. Zero allocation on offer, poll and the completions.
 */
public final class WriteHandoff implements Agent
{
    /**
     * An offer found no room (in the ring, or in the producer's window): nothing was enqueued; try again.
     */
    public static final long BACK_PRESSURED = -1;

    /**
     * An offer after the handoff was closed or failed: nothing was enqueued.
     */
    public static final long CLOSED = -2;

    /**
     * Result: the table was full; nothing applied.
     */
    public static final long TABLE_FULL = -10;

    /**
     * Result: the store refused the request's content; nothing applied.
     */
    public static final long REJECTED = -11;

    /**
     * Result: the store failed or closed before applying it, or applying it failed; see {@link #failure()}.
     */
    public static final long FAILED = -12;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int DRAIN_LIMIT = 256;
    private static final long CLOSE_WAIT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int MAX_WINDOW = 1 << 24;

    private final DurableStore store;
    private final ManyToOneRingBuffer ring;
    private final int keyLength;
    private final int maxValueLength;
    private final int window;
    private final Producer[] producers;
    private final HandoffApplier applier;
    private final MessageHandler handler = this::apply;
    private volatile int producerCount;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile Throwable lastError;
    private long applied;

    /**
     * @param store        the store the requests are applied to.
     * @param ringCapacity the ring's capacity in bytes, a power of two; a request may be at most an eighth of it, and
     *                     the largest put must fit.
     * @param maxProducers the most producers.
     * @param window       the most requests a producer may have that are not yet durable, a power of two.
     * @throws IllegalArgumentException if a size is not a power of two or the largest put would not fit.
     */
    public WriteHandoff(final DurableStore store, final int ringCapacity, final int maxProducers, final int window)
    {
        ArgumentChecks.checkNotNull(store, "store");
        if (!BitUtil.isPowerOfTwo(ringCapacity) || !BitUtil.isPowerOfTwo(window) || window > MAX_WINDOW ||
            maxProducers < 1)
        {
            throw new IllegalArgumentException("ringCapacity and window must be powers of two (window at most " +
                MAX_WINDOW + "), maxProducers >= 1: " +
                "ringCapacity=" + ringCapacity + " window=" + window + " maxProducers=" + maxProducers);
        }
        this.store = store;
        this.keyLength = store.storeView().keyLength();
        this.maxValueLength = store.storeView().maxValueLength();
        this.window = window;
        this.producers = new Producer[maxProducers];
        this.applier = new HandoffApplier(store);
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ringCapacity + RingBufferDescriptor.TRAILER_LENGTH)));
        final int largestPut = HandoffDescriptor.putLength(keyLength, maxValueLength);
        if (largestPut > ring.maxMsgLength())
        {
            throw new IllegalArgumentException("a put of the largest value (" + largestPut + " bytes) does not fit " +
                "a ring of " + ringCapacity + " bytes (largest request " + ring.maxMsgLength() + "): ringCapacity >= " +
                BitUtil.findNextPositivePowerOfTwo(largestPut * 8));
        }
    }

    /**
     * A producer for one thread. Allocates; any thread.
     *
     * @return a new producer.
     * @throws IllegalStateException if {@code maxProducers} were already made.
     */
    public synchronized Producer newProducer()
    {
        final int index = producerCount;
        if (index == producers.length)
        {
            throw new IllegalStateException("all " + producers.length + " producers are taken");
        }
        final Producer producer = new Producer(index);
        producers[index] = producer;
        producerCount = index + 1;
        return producer;
    }

    /**
     * The writer's duty: the store's own ({@link DurableStore#poll()}), then up to 256 requests applied, then the
     * durable completions advanced. Writer thread only.
     *
     * @return work done (0 when idle).
     * @throws IllegalStateException if not on the writer thread, or the store is closed.
     */
    public int poll()
    {
        int work = 0;
        if (null == failure)
        {
            try
            {
                work += store.poll();
            }
            catch (final TidemarkException ex)
            {
                onStoreError(ex);
            }
        }
        work += ring.read(handler, DRAIN_LIMIT);
        return work + completeDurable();
    }

    /**
     * Refuse new offers and apply what is already in the ring. Writer thread only; the store stays open.
     */
    public void close()
    {
        closed = true;
        // Every claim made before the flag was seen is in the ring's tail: drain up to it. A producer that claims
        // after seeing the flag unset checks it again and aborts (its abort is drained as padding), so nothing
        // offered before close is stranded.
        long progressNs = System.nanoTime();
        while (ring.producerPosition() != ring.consumerPosition())
        {
            if (ring.read(handler, Integer.MAX_VALUE) > 0)
            {
                progressNs = System.nanoTime();
            }
            else if (System.nanoTime() - progressNs > CLOSE_WAIT_NS)
            {
                throw new IllegalStateException("a producer claimed room in the ring 60 s ago and never " +
                    "committed it: the requests after it are not applied");
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        // Then the completions: wait until the log is durable to the last request applied, so every producer hears.
        if (null == failure)
        {
            try
            {
                store.awaitDurable(store.position());
            }
            catch (final RuntimeException ex)
            {
                lastError = ex;
            }
        }
        completeDurable();
    }

    /**
     * @return the failure (the store's, or the store closed under the handoff) that made every request since fail,
     *         or null.
     */
    public Throwable failure()
    {
        return failure;
    }

    /**
     * @return the latest exception the store threw at a request that came back {@link #FAILED}, or null.
     */
    public Throwable lastError()
    {
        return lastError;
    }

    /**
     * @return requests applied (or refused) so far.
     */
    public long appliedCount()
    {
        return applied;
    }

    public void onStart()
    {
        store.claimWriter();
    }

    public int doWork()
    {
        return poll();
    }

    /**
     * Drain the ring, then close the store (the agent owns it once started).
     */
    public void onClose()
    {
        try
        {
            close();
        }
        finally
        {
            store.close();
        }
    }

    public String roleName()
    {
        return "tidemark-writer";
    }

    private void onStoreError(final TidemarkException ex)
    {
        lastError = ex; // back-pressure past its deadline: nothing applied; or the store failed
        if (applier.isFatal(ex))
        {
            fail(ex);
        }
    }

    private void fail(final Throwable cause)
    {
        if (null == failure)
        {
            failure = cause;
        }
        closed = true;
    }

    private void apply(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final Producer producer = producers[buffer.getInt(index + PRODUCER_OFFSET, ORDER)];
        final long ticket = buffer.getLong(index + TICKET_OFFSET, ORDER);
        try
        {
            long result = FAILED;
            if (null == failure)
            {
                result = applier.apply(type, buffer, index, length, buffer.getInt(index + LENGTH_OFFSET, ORDER));
                if (FAILED == result)
                {
                    lastError = applier.error();
                    if (applier.isFatal())
                    {
                        fail(applier.error());
                    }
                }
            }
            producer.completions.applied(ticket, result);
        }
        catch (final Error ex)
        {
            lastError = ex;
            fail(ex);
            producer.completions.applied(ticket, FAILED);
            throw ex;
        }
        finally
        {
            // Every request consumed gets its result (Agrona's read frees the record whatever the handler does).
            applied++;
        }
    }

    private int completeDurable()
    {
        final int count = producerCount;
        long durable = Long.MIN_VALUE;
        int work = 0;
        for (int i = 0; i < count; i++)
        {
            final Producer producer = producers[i];
            if (!producer.completions.pending())
            {
                continue;
            }
            if (Long.MIN_VALUE == durable)
            {
                durable = durablePosition();
            }
            work += producer.completions.advanceDurable(durable);
        }
        return work;
    }

    /**
     * @return the store's durable position, or -1 once the handoff failed or the store closed: then only refused
     *         requests (negative results) complete, never an applied one that was not seen durable.
     */
    private long durablePosition()
    {
        if (null != failure)
        {
            return -1;
        }
        try
        {
            return store.durablePosition();
        }
        catch (final IllegalStateException ex)
        {
            lastError = ex;
            fail(ex);
            return -1;
        }
    }

    /**
     * One thread's way to hand writes to the writer. Zero allocation.
     */
    public final class Producer
    {
        private final int index;
        private final HandoffCompletions completions;
        private long nextTicket = 1;

        private Producer(final int index)
        {
            this.index = index;
            this.completions = new HandoffCompletions(window);
        }

        /**
         * Offer a put under a long key.
         *
         * @return the request's ticket (&gt; 0), {@link #BACK_PRESSURED} or {@link #CLOSED}.
         * @throws IllegalArgumentException if the store's keys are not longs or the value does not fit.
         */
        public long offerPut(final long key, final DirectBuffer value, final int valueOffset, final int valueLength)
        {
            ArgumentChecks.checkLongKey(keyLength);
            ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
            final int claimed = claim(PUT_LONG, HandoffDescriptor.putLength(Long.BYTES, valueLength));
            if (claimed < 0)
            {
                return claimed;
            }
            final MutableDirectBuffer buffer = ring.buffer();
            buffer.putLong(claimed + KEY_OFFSET, key, ORDER);
            buffer.putBytes(claimed + KEY_OFFSET + Long.BYTES, value, valueOffset, valueLength);
            return commit(claimed, valueLength);
        }

        /**
         * Offer a put under a byte key of the store's key length.
         *
         * @return the request's ticket (&gt; 0), {@link #BACK_PRESSURED} or {@link #CLOSED}.
         * @throws IllegalArgumentException if the key or the value does not fit.
         */
        public long offerPut(
            final DirectBuffer key,
            final int keyOffset,
            final DirectBuffer value,
            final int valueOffset,
            final int valueLength)
        {
            ArgumentChecks.checkKey(key, keyOffset, keyLength);
            ArgumentChecks.checkValue(value, valueOffset, valueLength, maxValueLength);
            final int claimed = claim(PUT, HandoffDescriptor.putLength(keyLength, valueLength));
            if (claimed < 0)
            {
                return claimed;
            }
            final MutableDirectBuffer buffer = ring.buffer();
            buffer.putBytes(claimed + KEY_OFFSET, key, keyOffset, keyLength);
            buffer.putBytes(claimed + KEY_OFFSET + keyLength, value, valueOffset, valueLength);
            return commit(claimed, valueLength);
        }

        /**
         * Offer a removal of a long key (logged even if absent).
         *
         * @return the request's ticket (&gt; 0), {@link #BACK_PRESSURED} or {@link #CLOSED}.
         * @throws IllegalArgumentException if the store's keys are not longs.
         */
        public long offerRemove(final long key)
        {
            ArgumentChecks.checkLongKey(keyLength);
            final int claimed = claim(REMOVE_LONG, KEY_OFFSET + Long.BYTES);
            if (claimed < 0)
            {
                return claimed;
            }
            ring.buffer().putLong(claimed + KEY_OFFSET, key, ORDER);
            return commit(claimed, 0);
        }

        /**
         * Offer a removal of a byte key (logged even if absent).
         *
         * @return the request's ticket (&gt; 0), {@link #BACK_PRESSURED} or {@link #CLOSED}.
         * @throws IllegalArgumentException if the key does not fit.
         */
        public long offerRemove(final DirectBuffer key, final int keyOffset)
        {
            ArgumentChecks.checkKey(key, keyOffset, keyLength);
            final int claimed = claim(REMOVE, KEY_OFFSET + keyLength);
            if (claimed < 0)
            {
                return claimed;
            }
            ring.buffer().putBytes(claimed + KEY_OFFSET, key, keyOffset, keyLength);
            return commit(claimed, 0);
        }

        /**
         * Offer a batch, applied atomically as one change message. Its bytes are copied: reuse the batch at once.
         *
         * @param operations the batch, made by the store's {@link DurableStore#newBatch()}.
         * @return the request's ticket (&gt; 0), {@link #BACK_PRESSURED} or {@link #CLOSED}.
         * @throws IllegalArgumentException if the batch is empty or longer than the ring's largest request.
         */
        public long offerBatch(final StoreBatch operations)
        {
            ArgumentChecks.checkNotNull(operations, "operations");
            if (0 == operations.operationCount() || operations.length() > ring.maxMsgLength() - KEY_OFFSET)
            {
                throw new IllegalArgumentException("batch of " + operations.operationCount() + " operations, " +
                    operations.length() + " bytes: must hold at least one and at most " +
                    (ring.maxMsgLength() - KEY_OFFSET) + " bytes (an eighth of the ring, less the request header)");
            }
            final int claimed = claim(BATCH, KEY_OFFSET + operations.length());
            if (claimed < 0)
            {
                return claimed;
            }
            ring.buffer().putBytes(claimed + KEY_OFFSET, operations.buffer(), operations.offset(),
                operations.length());
            return commit(claimed, operations.operationCount());
        }

        /**
         * @return the latest ticket applied (its result known), 0 before any.
         */
        public long appliedTicket()
        {
            return completions.appliedTicket();
        }

        /**
         * @return the latest ticket whose change is durable (or was refused, so has nothing to make durable).
         */
        public long durableTicket()
        {
            return completions.durableTicket();
        }

        /**
         * @param ticket a ticket this producer got.
         * @return the log position of the applied change, or {@link #TABLE_FULL}, {@link #REJECTED} or
         *         {@link #FAILED}.
         * @throws IllegalArgumentException if the ticket was not issued by this producer.
         * @throws IllegalStateException    if the ticket is not yet applied, or so old that its result was reused.
         */
        public long result(final long ticket)
        {
            checkIssued(ticket);
            if (ticket > appliedTicket() || ticket < nextTicket - window)
            {
                throw new IllegalStateException("no result for ticket " + ticket + ": applied up to " +
                    appliedTicket() + ", results kept for tickets from " + Math.max(1, nextTicket - window));
            }
            return completions.result(ticket);
        }

        /**
         * Wait until a ticket is applied.
         *
         * @return its {@link #result(long)}.
         * @throws TidemarkException if it is not applied within {@code timeoutNs}.
         */
        public long awaitApplied(final long ticket, final long timeoutNs)
        {
            checkIssued(ticket);
            completions.await(false, ticket, timeoutNs);
            return result(ticket);
        }

        /**
         * Wait until a ticket's change is durable (or was refused).
         *
         * @return its {@link #result(long)}.
         * @throws TidemarkException if it is not durable within {@code timeoutNs}.
         */
        public long awaitDurable(final long ticket, final long timeoutNs)
        {
            checkIssued(ticket);
            completions.await(true, ticket, timeoutNs);
            return result(ticket);
        }

        private void checkIssued(final long ticket)
        {
            if (ticket <= 0 || ticket >= nextTicket)
            {
                throw new IllegalArgumentException("ticket " + ticket + " was not issued: next is " + nextTicket);
            }
        }

        private int claim(final int type, final int length)
        {
            if (closed)
            {
                return (int)CLOSED;
            }
            if (nextTicket - completions.durableTicket() > window)
            {
                return (int)BACK_PRESSURED;
            }
            final int claimed = ring.tryClaim(type, length);
            if (RingBuffer.INSUFFICIENT_CAPACITY == claimed)
            {
                return (int)BACK_PRESSURED;
            }
            if (closed)
            {
                ring.abort(claimed); // closed meanwhile: the close may not drain past this claim (see close())
                return (int)CLOSED;
            }
            return claimed;
        }

        private long commit(final int claimed, final int lengthField)
        {
            final MutableDirectBuffer buffer = ring.buffer();
            final long ticket = nextTicket++;
            buffer.putInt(claimed + PRODUCER_OFFSET, index, ORDER);
            buffer.putInt(claimed + LENGTH_OFFSET, lengthField, ORDER);
            buffer.putLong(claimed + TICKET_OFFSET, ticket, ORDER);
            ring.commit(claimed);
            return ticket;
        }
    }
}
