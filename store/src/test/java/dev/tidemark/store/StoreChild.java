/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The store in a child JVM, for tests that need a second process or one that dies. Prints what happens, one line at
 * a time, for the parent to read.
 */
public final class StoreChild
{
    private StoreChild()
    {
    }

    /**
     * @param args mode ("hold", "fsync-fail" or "try-open"), store directory and optionally a live region directory.
     * @throws Exception on any unexpected failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final String mode = args[0];
        final File dir = new File(args[1]);
        if ("try-open".equals(mode))
        {
            final StoreContext ctx = new StoreContext().dir(dir).createIfMissing(false);
            try (StateStore store = StateStore.open(args.length > 2 ? ctx.liveRegionDirectory(new File(args[2])) : ctx))
            {
                System.out.println("OPENED size=" + store.size());
            }
            catch (final RuntimeException ex)
            {
                System.out.println("REFUSED " + ex.getMessage());
            }
            return;
        }
        final List<Throwable> errors = new ArrayList<>();
        final StoreContext ctx = new StoreContext().dir(dir).errorHandler(errors::add);
        final StateStore store = StateStore.open(args.length > 2 ? ctx.liveRegionDirectory(new File(args[2])) : ctx);
        final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(8));

        switch (mode)
        {
            case "hold":
                for (long key = 0; key < 100; key++)
                {
                    value.putLong(0, key * 3);
                    store.put(key, value, 0, 8);
                }
                store.checkpointAndAwait();
                for (long key = 100; key < 200; key++)
                {
                    value.putLong(0, key * 3);
                    store.put(key, value, 0, 8);
                }
                System.out.println("READY");
                System.out.flush();
                Thread.sleep(TimeUnit.MINUTES.toMillis(10));
                break;

            case "fsync-fail":
                value.putLong(0, 77);
                store.put(77L, value, 0, 8);
                try
                {
                    store.checkpointAndAwait();
                    System.out.println("CHECKPOINT_COMMITTED");
                }
                catch (final TidemarkException ex)
                {
                    System.out.println("CHECKPOINT_FAILED fatal=" + (null != store.failure()));
                }
                try
                {
                    store.put(78L, value, 0, 8);
                    System.out.println("PUT_ACCEPTED");
                }
                catch (final TidemarkException ex)
                {
                    System.out.println("PUT_REFUSED fatal=" + ex.isFatal());
                }
                try
                {
                    store.checkpoint();
                    System.out.println("CHECKPOINT_ACCEPTED");
                }
                catch (final TidemarkException ex)
                {
                    System.out.println("CHECKPOINT_REFUSED fatal=" + ex.isFatal());
                }
                System.out.println("FAILURE " + store.failure());
                System.out.println("CAUSE " + store.failure().getCause());
                store.close();
                System.out.println("CLOSED");
                break;

            default:
                throw new IllegalArgumentException("mode: " + mode);
        }
    }
}
