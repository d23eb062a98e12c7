/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import java.io.File;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a media driver and archive as their own process, configured as Tidemark stores expect them (SHARED threading
 * with a backoff idle strategy, IPC control channel, the default Tidemark archive id): the external setup, where the
 * archive outlives the store's process.
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp ... dev.tidemark.archive.ArchiveLauncher \
 *     &lt;aeronDir&gt; &lt;archiveDir&gt; [fileSyncLevel=0] [segmentFileLength=33554432] [termLength=2097152]
 * </pre>
 * Stores connect with {@code Context.embedded(false).aeronDirectoryName(aeronDir)}. Prints {@code READY} once
 * both are up; runs until the process ends. It clears a stale archive mark file at start: run one launcher per
 * archive directory.
 */
public final class ArchiveLauncher
{
    private ArchiveLauncher()
    {
    }

    /**
     * @param args aeronDir archiveDir [fileSyncLevel] [segmentFileLength] [termLength].
     * @throws InterruptedException if interrupted while running.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        if (args.length < 2)
        {
            System.err.println("usage: ArchiveLauncher <aeronDir> <archiveDir> [fileSyncLevel] [segmentFileLength] " +
                "[termLength]");
            System.exit(2);
        }
        final int fileSyncLevel = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        final int segmentFileLength = args.length > 3 ? Integer.parseInt(args[3]) :
            DurableStoreConfiguration.SEGMENT_FILE_LENGTH_DEFAULT;
        final int termLength = args.length > 4 ? Integer.parseInt(args[4]) :
            DurableStoreConfiguration.TERM_LENGTH_DEFAULT;
        final EmbeddedArchive archive = EmbeddedArchive.launch(
            args[0], new File(args[1]), DurableStoreConfiguration.ARCHIVE_ID_DEFAULT, fileSyncLevel,
            segmentFileLength, termLength, DurableStoreConfiguration.LOW_STORAGE_THRESHOLD_DEFAULT,
            Throwable::printStackTrace);
        Runtime.getRuntime().addShutdownHook(new Thread(archive::close));
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
