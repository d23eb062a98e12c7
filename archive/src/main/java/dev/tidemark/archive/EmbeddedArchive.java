/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveTool;
import io.aeron.archive.client.ArchiveException;
import io.aeron.archive.ArchiveMarkFile;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import dev.tidemark.store.TidemarkException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
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
    /**
     * The embedded archive's directory under the store directory.
     */
    static final String DIRECTORY_NAME = "archive";

    private static final String TORN_LAST_FRAGMENT = "straddling page boundary";

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
        final long lowStorageSpaceThreshold,
        final ErrorHandler errorHandler)
    {
        try
        {
            try
            {
                return launchBoth(aeronDirectoryName, archiveDir, archiveId, fileSyncLevel, segmentFileLength,
                    termLength, lowStorageSpaceThreshold, errorHandler);
            }
            catch (final ArchiveException ex)
            {
                // Aeron signals this case by its message alone (no error code of its own).
                if (null == ex.getMessage() || !ex.getMessage().contains(TORN_LAST_FRAGMENT))
                {
                    throw ex;
                }
                truncateTornLastFragment(archiveDir, ex, errorHandler);
                return launchBoth(aeronDirectoryName, archiveDir, archiveId, fileSyncLevel, segmentFileLength,
                    termLength, lowStorageSpaceThreshold, errorHandler);
            }
        }
        catch (final InternalError ex)
        {
            // A memory fault in a mapped file: on Linux, a mapping of a file the full disk could not back.
            throw new TidemarkException(TidemarkException.Category.ERROR,
                "embedded media driver or archive could not map its files (" + ex.getMessage() + "): is the disk " +
                "holding " + archiveDir + " (usable " + archiveDir.getUsableSpace() + " bytes) or " +
                aeronDirectoryName + " full? Free space and open again", ex);
        }
        catch (final TidemarkException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new TidemarkException(TidemarkException.Category.ERROR,
                "embedded archive could not start in " + archiveDir + " (" + ex.getMessage() + "): its catalog or " +
                "mark file may be damaged; ArchiveTool describe/verify show what it holds", ex);
        }
    }

    private static EmbeddedArchive launchBoth(
        final String aeronDirectoryName,
        final File archiveDir,
        final long archiveId,
        final int fileSyncLevel,
        final int segmentFileLength,
        final int termLength,
        final long lowStorageSpaceThreshold,
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
            final Archive archive = launchArchive(aeronDirectoryName, archiveDir, archiveId, fileSyncLevel,
                segmentFileLength, lowStorageSpaceThreshold, errorHandler);
            return new EmbeddedArchive(driver, archive);
        }
        catch (final RuntimeException | Error ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * The archive found that the last recorded fragment of a segment crosses a page boundary with only zeros after
     * the boundary: perhaps a write the crash cut short, perhaps a whole frame whose bytes there are zero. The
     * archive's tool records the recording's stop with the fragment included, so the archive starts; recovery then
     * checks the message's CRC and cuts it only if it is torn. Only for the archive this store launched, whose owner
     * the lock proved dead.
     */
    private static void truncateTornLastFragment(
        final File archiveDir, final ArchiveException cause, final ErrorHandler errorHandler)
    {
        errorHandler.onError(new IllegalStateException(
            "embedded archive found a last fragment straddling a page boundary with zeros after it; recording the " +
            "recording's stop with ArchiveTool verify, the fragment kept (recovery checks its CRC): " + archiveDir, cause));
        clearStaleMarkFile(archiveDir);
        final java.io.ByteArrayOutputStream report = new java.io.ByteArrayOutputStream();
        final boolean verified;
        try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8))
        {
            // Never let the tool cut the fragment: without a record checksum it takes a whole frame whose bytes past
            // a page boundary are zero (a value full of zeros, acknowledged at SYNCED) for a torn one. Recovery checks
            // every change message's own CRC and cuts a really torn tail itself, with a report.
            verified = ArchiveTool.verify(
                out, archiveDir, EnumSet.noneOf(ArchiveTool.VerifyOption.class), null, (file) -> false);
        }
        if (!verified)
        {
            errorHandler.onError(new IllegalStateException("ArchiveTool verify of " + archiveDir + " found more " +
                "than the torn last fragment; the archive is started and recovery checks what it replays: " +
                report.toString(StandardCharsets.UTF_8)));
        }
        clearStaleMarkFile(archiveDir);
    }

    private static Archive launchArchive(
        final String aeronDirectoryName,
        final File archiveDir,
        final long archiveId,
        final int fileSyncLevel,
        final int segmentFileLength,
        final long lowStorageSpaceThreshold,
        final ErrorHandler errorHandler)
    {
        {
            return Archive.launch(new Archive.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .archiveDir(archiveDir)
                .archiveId(archiveId)
                .controlChannelEnabled(false)
                .localControlChannel(DurableStoreConfiguration.CONTROL_CHANNEL)
                .replicationChannel("aeron:udp?endpoint=localhost:0")
                .recordingEventsEnabled(false)
                .threadingMode(ArchiveThreadingMode.SHARED)
                .idleStrategySupplier(EmbeddedArchive::idleStrategy)
                .fileSyncLevel(fileSyncLevel)
                .catalogFileSyncLevel(fileSyncLevel)
                .segmentFileLength(segmentFileLength)
                .lowStorageSpaceThreshold(lowStorageSpaceThreshold)
                .deleteArchiveOnStart(false)
                .errorHandler(errorHandler)
                .archiveClientContext(new AeronArchive.Context()
                    .controlResponseChannel(DurableStoreConfiguration.CONTROL_CHANNEL)));
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
