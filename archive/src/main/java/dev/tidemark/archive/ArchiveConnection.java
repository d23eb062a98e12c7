/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.archive.client.AeronArchive;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.io.File;

/**
 * The archive a durable store records to and its clients: the embedded media driver and archive when the store runs
 * its own (null when it connects to external ones), the Aeron client, the archive client. Closed in reverse order.
 *
 * @param embedded the embedded driver and archive, or null.
 * @param aeron    the Aeron client.
 * @param archive  the archive client.
 */
record ArchiveConnection(EmbeddedArchive embedded, Aeron aeron, AeronArchive archive) implements AutoCloseable
{
    /**
     * Launch the embedded driver and archive, if the store runs its own, and connect to them; on a failure part way,
     * close what was started and rethrow.
     *
     * @param ctx          the store's settings.
     * @param storeId      the store's id, naming the embedded driver's directory when none is set.
     * @param errorHandler receives the clients' and the embedded components' errors.
     * @return the connection.
     */
    static ArchiveConnection connect(final DurableStoreContext ctx, final long storeId, final ErrorHandler errorHandler)
    {
        EmbeddedArchive embedded = null;
        Aeron aeron = null;
        try
        {
            final String aeronDir;
            if (ctx.embedded())
            {
                aeronDir = null != ctx.aeronDirectoryName() ? ctx.aeronDirectoryName() :
                    CommonContext.getAeronDirectoryName() + "-tidemark-" + Long.toHexString(storeId);
                embedded = EmbeddedArchive.launch(
                    aeronDir, new File(ctx.dir(), EmbeddedArchive.DIRECTORY_NAME), ctx.archiveId(),
                    ctx.archiveFileSyncLevel(), ctx.segmentFileLength(), ctx.termLength(), ctx.lowStorageThreshold(),
                    errorHandler);
            }
            else
            {
                aeronDir = ctx.aeronDirectoryName();
            }
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDir)
                .errorHandler(errorHandler));
            final AeronArchive archive = AeronArchive.connect(new AeronArchive.Context()
                .aeron(aeron)
                .ownsAeronClient(false)
                .controlRequestChannel(ctx.controlRequestChannel())
                .controlRequestStreamId(ctx.controlRequestStreamId())
                .controlResponseChannel(ctx.controlResponseChannel())
                .errorHandler(errorHandler));
            return new ArchiveConnection(embedded, aeron, archive);
        }
        catch (final RuntimeException | Error ex)
        {
            CloseHelper.quietCloseAll(aeron, embedded);
            throw ex;
        }
    }

    /**
     * The directory holding the recording's files, when the store can reach them: the embedded archive's, or the
     * external archive's if given.
     *
     * @param ctx the store's settings.
     * @return the directory, or null.
     */
    static File archiveDirectory(final DurableStoreContext ctx)
    {
        return ctx.embedded() ? new File(ctx.dir(), EmbeddedArchive.DIRECTORY_NAME) : ctx.archiveDirectory();
    }

    public void close()
    {
        CloseHelper.quietCloseAll(archive, aeron, embedded);
    }
}
