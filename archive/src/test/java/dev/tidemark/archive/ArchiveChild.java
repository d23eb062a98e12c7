/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import java.io.File;

/**
 * A media driver and archive in their own JVM, as production runs them, for tests of the external setup.
 * Arguments: Aeron directory, archive directory, term length. Prints READY, then runs until killed.
 */
public final class ArchiveChild
{
    private ArchiveChild()
    {
    }

    /**
     * @param args Aeron directory, archive directory, term length.
     * @throws InterruptedException never, in practice.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final int termLength = Integer.parseInt(args[2]);
        final EmbeddedArchive archive = EmbeddedArchive.launch(
            args[0], new File(args[1]), DurableStoreConfiguration.ARCHIVE_ID_DEFAULT, 0, 16 * termLength,
            termLength, DurableStoreConfiguration.LOW_STORAGE_THRESHOLD_DEFAULT, Throwable::printStackTrace);
        Runtime.getRuntime().addShutdownHook(new Thread(archive::close));
        System.out.println("READY");
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
