/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.CloseHelper;
import org.agrona.IoUtil;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * What an open found and holds, handed whole from {@link StoreOpener} to the {@link StateStore} constructor: the
 * locked directory, the header, both slots (usable), the slot restored from and whether that was a fallback, and the
 * live region restored from it and mapped.
 *
 * @param ctx          the concluded settings.
 * @param directory    the locked store directory.
 * @param header       the header file.
 * @param slots        slot A and slot B.
 * @param chosenSlot   the slot restored from: 0 for A, 1 for B.
 * @param fallback     true if the newest committed slot failed verification and the older one was restored.
 * @param liveFile     the live region's file.
 * @param liveChannel  the live region's channel.
 * @param liveMapping  the live region's mapping.
 * @param readerBlock  the mapping of the reader block after it ({@link ReaderBlockDescriptor}).
 * @param liveClaim    this JVM's claim on the live region's file ({@link JvmFileLocks}).
 * @param readerGeneration this open's generation of the live region's file ({@link ReaderBlockDescriptor}).
 * @param openStartNs  {@link System#nanoTime()} when the open began.
 */
record OpenedStore(
    StoreContext ctx,
    StoreDirectory directory,
    HeaderFile header,
    SnapshotSlot[] slots,
    int chosenSlot,
    boolean fallback,
    File liveFile,
    FileChannel liveChannel,
    MappedByteBuffer liveMapping,
    MappedByteBuffer readerBlock,
    String liveClaim,
    long readerGeneration,
    long openStartNs)
{
    /**
     * Close what the open opened, the lock last; a live region outside the store directory (tmpfs, say) is memory,
     * so give it back: every open rewrites it.
     *
     * @param unmap false while readers on other threads may still hold the mappings: they are then left to the
     *              garbage collector, so that a reader racing the close reads stale memory, never unmapped memory.
     */
    void close(final boolean unmap)
    {
        if (unmap)
        {
            IoUtil.unmap(liveMapping);
            IoUtil.unmap(readerBlock);
        }
        final boolean inStoreDirectory = liveFile.equals(directory.liveFile());
        JvmFileLocks.unlinkCloseRelease(inStoreDirectory ? null : liveFile, liveChannel, liveClaim);
        CloseHelper.quietCloseAll(slots[0], slots[1], header);
        CloseHelper.quietClose(directory);
    }
}
