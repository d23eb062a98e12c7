/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveMarkFile;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * A media driver and archive launched in this process for one store: SHARED threading with a backoff idle
 * strategy (a few percent of a core when idle), IPC control channel only, the store's own Aeron directory.
 * <p>
 * Launched only while the store's directory lock is held. The lock proves that whoever ran this driver and archive
 * before is dead, so their mark files are stale and are cleared: a restart after {@code kill -9} is immediate.
 */
final class EmbeddedArchive implements AutoCloseable
{
    private final MediaDriver driver;
    private final Archive archive;

    private EmbeddedArchive(final MediaDriver driver, final Archive archive)
    {
        this.driver = driver;
        this.archive = archive;
    }

    static EmbeddedArchive launch(
        final String aeronDirectoryName,
        final File archiveDir,
        final long archiveId,
        final int fileSyncLevel,
        final int segmentFileLength,
        final int termLength,
        final ErrorHandler errorHandler)
    {
        clearStaleMarkFile(archiveDir);
        MediaDriver driver = null;
        try
        {
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(idleStrategy())
                .ipcTermBufferLength(termLength)
                .termBufferSparseFile(false)
                .performStorageChecks(false)
                .errorHandler(errorHandler));

            final Archive archive = Archive.launch(new Archive.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .archiveDir(archiveDir)
                .archiveId(archiveId)
                .controlChannelEnabled(false)
                .localControlChannel(DurableStore.Configuration.CONTROL_CHANNEL)
                .replicationChannel("aeron:udp?endpoint=localhost:0")
                .recordingEventsEnabled(false)
                .threadingMode(ArchiveThreadingMode.SHARED)
                .idleStrategySupplier(EmbeddedArchive::idleStrategy)
                .fileSyncLevel(fileSyncLevel)
                .catalogFileSyncLevel(fileSyncLevel)
                .segmentFileLength(segmentFileLength)
                .deleteArchiveOnStart(false)
                .errorHandler(errorHandler)
                .archiveClientContext(new AeronArchive.Context()
                    .controlResponseChannel(DurableStore.Configuration.CONTROL_CHANNEL)));

            return new EmbeddedArchive(driver, archive);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    private static BackoffIdleStrategy idleStrategy()
    {
        return new BackoffIdleStrategy(
            10, 20, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
    }

    private static void clearStaleMarkFile(final File archiveDir)
    {
        final File markFile = new File(archiveDir, ArchiveMarkFile.FILENAME);
        if (markFile.exists() && !markFile.delete())
        {
            throw new IllegalStateException("cannot clear stale archive mark file: " + markFile);
        }
    }

    public void close()
    {
        CloseHelper.closeAll(archive, driver);
    }
}
