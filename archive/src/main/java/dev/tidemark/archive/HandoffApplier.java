/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.TidemarkException;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static dev.tidemark.archive.HandoffDescriptor.*;

/**
 * The writer's half of a {@link WriteHandoff}: one request from the ring applied to the store at
 * {@link Durability#NONE}, and what the store threw turned into its result. After a {@link WriteHandoff#FAILED}
 * result, {@link #error()} is the cause and {@link #isFatal()} whether the handoff can take no more requests.
 * Writer thread only; zero allocation.
 */
final class HandoffApplier
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final DurableStore store;
    private final int keyLength;
    private final StoreBatch batch;
    private Throwable error;
    private boolean fatal;

    HandoffApplier(final DurableStore store)
    {
        this.store = store;
        this.keyLength = store.storeView().keyLength();
        this.batch = store.newBatch();
    }

    /**
     * @return the request's result: its log position, or TABLE_FULL, REJECTED or FAILED.
     * @throws Error as the store threw it, after {@link #error()} and {@link #isFatal()} were set.
     */
    long apply(final int type, final DirectBuffer buffer, final int index, final int length, final int valueLength)
    {
        error = null;
        fatal = false;
        try
        {
            return applyToStore(type, buffer, index, length, valueLength);
        }
        catch (final IllegalArgumentException ex)
        {
            return WriteHandoff.REJECTED;
        }
        catch (final IllegalStateException ex)
        {
            if (null != ex.getMessage() && ex.getMessage().startsWith("table full"))
            {
                return WriteHandoff.TABLE_FULL;
            }
            return failed(ex, true); // closed, or the wrong thread: nothing applied, and nothing more can be
        }
        catch (final TidemarkException ex)
        {
            // Back-pressure past its deadline (nothing applied), or the store failed.
            return failed(ex, isFatal(ex));
        }
        catch (final RuntimeException ex)
        {
            return failed(ex, true); // a failure in the store's write path: what state it left is not known here
        }
        catch (final Error ex)
        {
            failed(ex, true);
            throw ex;
        }
    }

    /**
     * @return whether a store's exception means it takes no more writes.
     */
    boolean isFatal(final TidemarkException ex)
    {
        return TidemarkException.Category.FATAL == ex.category() || null != store.storeView().failure();
    }

    Throwable error()
    {
        return error;
    }

    boolean isFatal()
    {
        return fatal;
    }

    private long failed(final Throwable cause, final boolean isFatal)
    {
        error = cause;
        fatal = isFatal;
        return WriteHandoff.FAILED;
    }

    private long applyToStore(
        final int type, final DirectBuffer buffer, final int index, final int length, final int valueLength)
    {
        final int key = index + KEY_OFFSET;
        switch (type)
        {
            case PUT_LONG:
                return store.put(buffer.getLong(key, ORDER), buffer, key + Long.BYTES, valueLength, Durability.NONE);
            case PUT:
                return store.put(buffer, key, buffer, key + keyLength, valueLength, Durability.NONE);
            case REMOVE_LONG:
                return store.remove(buffer.getLong(key, ORDER), Durability.NONE);
            case REMOVE:
                return store.remove(buffer, key, Durability.NONE);
            case BATCH:
                return store.apply(batch.wrap(buffer, key, length - KEY_OFFSET, valueLength), Durability.NONE);
            default:
                return WriteHandoff.REJECTED;
        }
    }
}
