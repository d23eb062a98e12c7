/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.TableImage;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.ImageFragmentAssembler;
import io.aeron.Publication;
import io.aeron.cluster.client.ClusterException;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import io.aeron.DirectBufferVector;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static dev.tidemark.cluster.ClusterSnapshotDescriptor.*;

/**
 * Writes the service's state to a snapshot publication and loads it back from a snapshot image
 * ({@link ClusterSnapshotDescriptor}): the table's pages as they lie in the mapped region, each with its CRC32C,
 * sent from the mapping without a copy, then the client table. Service thread only.
 */
final class StoreSnapshots
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final UnsafeBuffer header = new UnsafeBuffer(new byte[CLIENT_LENGTH]);
    private final DirectBufferVector headerVector = new DirectBufferVector();
    private final DirectBufferVector pageVector = new DirectBufferVector();
    private final DirectBufferVector[] pageVectors = {headerVector, pageVector};
    private final CRC32C crc = new CRC32C();

    long lastPagesSent;
    long lastBytesSent;

    /**
     * Write BEGIN, the pages that are not all zeros, the clients and END.
     */
    void write(
        final ExclusivePublication publication,
        final StateStore store,
        final TableImage image,
        final ClientTable clients,
        final long applied,
        final long position,
        final int maxBatchOperations,
        final IdleStrategy idle)
    {
        header.putInt(TYPE_OFFSET, BEGIN_TYPE, ORDER);
        header.putInt(BEGIN_VERSION_OFFSET, VERSION, ORDER);
        header.putInt(BEGIN_KEY_LENGTH_OFFSET, store.keyLength(), ORDER);
        header.putInt(BEGIN_MAX_VALUE_LENGTH_OFFSET, store.maxValueLength(), ORDER);
        header.putInt(BEGIN_CAPACITY_OFFSET, store.capacity(), ORDER);
        header.putInt(BEGIN_PAGE_SIZE_OFFSET, image.pageSize(), ORDER);
        header.putInt(BEGIN_PAGE_COUNT_OFFSET, image.pageCount(), ORDER);
        header.putInt(BEGIN_ENTRY_COUNT_OFFSET, store.size(), ORDER);
        header.putInt(BEGIN_CLIENT_COUNT_OFFSET, clients.count(), ORDER);
        header.putInt(BEGIN_MAX_BATCH_OPERATIONS_OFFSET, maxBatchOperations, ORDER);
        header.putLong(BEGIN_APPLIED_OFFSET, applied, ORDER);
        header.putLong(BEGIN_POSITION_OFFSET, position, ORDER);
        crc.reset();
        crc.update(header.byteArray(), 0, BEGIN_LENGTH);
        offer(publication, header, BEGIN_LENGTH, idle);

        int sent = 0;
        long bytes = BEGIN_LENGTH;
        for (int page = 0, pages = image.pageCount(); page < pages; page++)
        {
            if (image.isZeroPage(page))
            {
                continue;
            }
            final int pageCrc = image.pageCrc(page);
            header.putInt(TYPE_OFFSET, PAGE_TYPE, ORDER);
            header.putInt(PAGE_INDEX_OFFSET, page, ORDER);
            header.putInt(PAGE_CRC_OFFSET, pageCrc, ORDER);
            header.putInt(PAGE_CRC_OFFSET + Integer.BYTES, 0, ORDER);
            headerVector.reset(header, 0, PAGE_BYTES_OFFSET);
            pageVector.reset(image.page(page), 0, image.pageSize());
            crc.update(header.byteArray(), 0, PAGE_BYTES_OFFSET);
            offerVectors(publication, idle);
            sent++;
            bytes += pageLength(image.pageSize());
        }

        for (int slot = 0, count = clients.count(); slot < count; slot++)
        {
            header.putInt(TYPE_OFFSET, CLIENT_TYPE, ORDER);
            header.putInt(TYPE_OFFSET + Integer.BYTES, 0, ORDER);
            header.putLong(CLIENT_ID_OFFSET, clients.clientId(slot), ORDER);
            header.putLong(CLIENT_LAST_REQUEST_OFFSET, clients.lastRequestId(slot), ORDER);
            header.putLong(CLIENT_LAST_SEEN_OFFSET, clients.lastSeen(slot), ORDER);
            for (int i = 0; i < ClusterRequestDescriptor.OUTCOME_WINDOW; i++)
            {
                header.putLong(CLIENT_OUTCOMES_OFFSET + i * Long.BYTES, clients.outcomeAt(slot, i), ORDER);
            }
            crc.update(header.byteArray(), 0, CLIENT_LENGTH);
            offer(publication, header, CLIENT_LENGTH, idle);
            bytes += CLIENT_LENGTH;
        }

        header.putInt(TYPE_OFFSET, END_TYPE, ORDER);
        header.putInt(END_PAGES_OFFSET, sent, ORDER);
        header.putInt(END_PAGES_CRC_OFFSET, (int)crc.getValue(), ORDER);
        header.putInt(END_ENTRY_COUNT_OFFSET, store.size(), ORDER);
        header.putInt(END_CLIENT_COUNT_OFFSET, clients.count(), ORDER);
        offer(publication, header, END_LENGTH, idle);
        lastPagesSent = sent;
        lastBytesSent = bytes + END_LENGTH;
    }

    /**
     * Load a snapshot into a store that holds nothing yet, and the clients into an empty table.
     *
     * @return the requests applied when the snapshot was taken.
     */
    long load(
        final Image snapshot,
        final StateStore store,
        final TableImage image,
        final ClientTable clients,
        final int maxBatchOperations,
        final IdleStrategy idle)
    {
        final Loader loader = new Loader(store, image, clients, maxBatchOperations);
        final ImageFragmentAssembler assembler = new ImageFragmentAssembler(loader);
        image.beginLoad();
        while (!loader.done)
        {
            final int fragments = snapshot.poll(assembler, 16);
            if (null != loader.failure)
            {
                throw loader.failure;
            }
            if (0 == fragments && (snapshot.isClosed() || snapshot.isEndOfStream()) && !loader.done)
            {
                throw new ClusterException("Tidemark snapshot ended before its END message: pages loaded=" +
                    loader.pages + " clients loaded=" + clients.count() + " image=" + snapshot.sourceIdentity());
            }
            idle.idle(fragments);
        }
        return loader.applied;
    }

    private void offerVectors(final ExclusivePublication publication, final IdleStrategy idle)
    {
        idle.reset();
        long result;
        while ((result = publication.offer(pageVectors)) < 0)
        {
            checkResult(result, publication);
            idle.idle();
        }
    }

    private static void offer(
        final ExclusivePublication publication, final DirectBuffer buffer, final int length, final IdleStrategy idle)
    {
        idle.reset();
        long result;
        while ((result = publication.offer(buffer, 0, length)) < 0)
        {
            checkResult(result, publication);
            idle.idle();
        }
    }

    private static void checkResult(final long result, final Publication publication)
    {
        if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
        {
            throw new ClusterException("snapshot publication refused a message: result=" +
                Publication.errorString(result) + " channel=" + publication.channel());
        }
    }

    private final class Loader implements io.aeron.logbuffer.FragmentHandler
    {
        private final StateStore store;
        private final TableImage image;
        private final ClientTable clients;
        private final long[] outcomes = new long[ClusterRequestDescriptor.OUTCOME_WINDOW];
        private final CRC32C messagesCrc = new CRC32C();
        private final byte[] scratch = new byte[CLIENT_LENGTH];
        private final int maxBatchOperations;
        private boolean begun;
        private boolean done;
        private int expectedEntries;
        private int expectedClients;
        private int pages;
        private int lastPage = -1;
        private long applied;
        private RuntimeException failure;

        Loader(final StateStore store, final TableImage image, final ClientTable clients, final int maxBatchOperations)
        {
            this.maxBatchOperations = maxBatchOperations;
            this.store = store;
            this.image = image;
            this.clients = clients;
        }

        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            if (done || null != failure)
            {
                return; // nothing after END is ours
            }
            try
            {
                if (length < Integer.BYTES)
                {
                    check(!begun, "a message of " + length + " bytes after BEGIN");
                    return; // not ours
                }
                final int type = buffer.getInt(offset + TYPE_OFFSET, ORDER);
                if (BEGIN_TYPE == type)
                {
                    onBegin(buffer, offset, length);
                }
                else if (!begun)
                {
                    return; // not ours
                }
                else if (PAGE_TYPE == type)
                {
                    onPage(buffer, offset, length);
                }
                else if (CLIENT_TYPE == type)
                {
                    check(length == CLIENT_LENGTH, "CLIENT message length=" + length);
                    addToCrc(buffer, offset, CLIENT_LENGTH);
                    check(0 != buffer.getLong(offset + CLIENT_ID_OFFSET, ORDER), "a CLIENT with client id 0");
                    for (int i = 0; i < outcomes.length; i++)
                    {
                        outcomes[i] = buffer.getLong(offset + CLIENT_OUTCOMES_OFFSET + i * Long.BYTES, ORDER);
                    }
                    clients.load(buffer.getLong(offset + CLIENT_ID_OFFSET, ORDER),
                        buffer.getLong(offset + CLIENT_LAST_REQUEST_OFFSET, ORDER),
                        buffer.getLong(offset + CLIENT_LAST_SEEN_OFFSET, ORDER), outcomes);
                }
                else if (END_TYPE == type)
                {
                    onEnd(buffer, offset, length);
                }
                else
                {
                    throw new ClusterException("unknown Tidemark snapshot message type=0x" +
                        Integer.toHexString(type) + " after pages=" + pages);
                }
            }
            catch (final RuntimeException ex)
            {
                failure = ex instanceof ClusterException ? ex : new ClusterException(
                    "Tidemark snapshot cannot be loaded: " + ex.getMessage(), ex);
            }
        }

        private void onBegin(final DirectBuffer buffer, final int offset, final int length)
        {
            check(!begun, "a second BEGIN");
            check(length == BEGIN_LENGTH, "BEGIN message length=" + length);
            final int version = buffer.getInt(offset + BEGIN_VERSION_OFFSET, ORDER);
            check(VERSION == version, "snapshot version=" + version + " but this service reads version=" + VERSION);
            final String differs = image.sameGeometry(
                buffer.getInt(offset + BEGIN_KEY_LENGTH_OFFSET, ORDER),
                buffer.getInt(offset + BEGIN_MAX_VALUE_LENGTH_OFFSET, ORDER),
                buffer.getInt(offset + BEGIN_CAPACITY_OFFSET, ORDER),
                buffer.getInt(offset + BEGIN_PAGE_SIZE_OFFSET, ORDER));
            check(null == differs, "the snapshot's store does not match this member's: " + differs);
            final int batchOperations = buffer.getInt(offset + BEGIN_MAX_BATCH_OPERATIONS_OFFSET, ORDER);
            check(batchOperations == maxBatchOperations, "the snapshot's maxBatchOperations=" + batchOperations +
                " but this member's is " + maxBatchOperations + " (members must agree on every setting)");
            final long position = buffer.getLong(offset + BEGIN_POSITION_OFFSET, ORDER);
            check(position >= 0, "BEGIN position=" + position);
            addToCrc(buffer, offset, BEGIN_LENGTH);
            expectedEntries = buffer.getInt(offset + BEGIN_ENTRY_COUNT_OFFSET, ORDER);
            expectedClients = buffer.getInt(offset + BEGIN_CLIENT_COUNT_OFFSET, ORDER);
            applied = buffer.getLong(offset + BEGIN_APPLIED_OFFSET, ORDER);
            store.logPosition(position);
            begun = true;
        }

        private void onPage(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length == pageLength(image.pageSize()), "PAGE message length=" + length);
            final int page = buffer.getInt(offset + PAGE_INDEX_OFFSET, ORDER);
            check(page > lastPage && page < image.pageCount(), "page index=" + page + " after page " + lastPage +
                " (page count " + image.pageCount() + ")");
            final int pageCrc = buffer.getInt(offset + PAGE_CRC_OFFSET, ORDER);
            image.loadPage(page, buffer, offset + PAGE_BYTES_OFFSET, pageCrc);
            addToCrc(buffer, offset, PAGE_BYTES_OFFSET);
            lastPage = page;
            pages++;
        }

        private void onEnd(final DirectBuffer buffer, final int offset, final int length)
        {
            check(length == END_LENGTH, "END message length=" + length);
            final int sent = buffer.getInt(offset + END_PAGES_OFFSET, ORDER);
            check(sent == pages, "END says pages=" + sent + " but " + pages + " arrived");
            final int sentCrc = buffer.getInt(offset + END_PAGES_CRC_OFFSET, ORDER);
            check(sentCrc == (int)messagesCrc.getValue(), "END's CRC=0x" + Integer.toHexString(sentCrc) +
                " does not match the BEGIN, page headers and clients that arrived");
            final int endEntries = buffer.getInt(offset + END_ENTRY_COUNT_OFFSET, ORDER);
            final int endClients = buffer.getInt(offset + END_CLIENT_COUNT_OFFSET, ORDER);
            check(endEntries == expectedEntries && endClients == expectedClients, "END says entries=" + endEntries +
                " clients=" + endClients + " but BEGIN says entries=" + expectedEntries + " clients=" + expectedClients);
            check(clients.count() == expectedClients, "BEGIN says clients=" + expectedClients + " but " +
                clients.count() + " arrived");
            final int entries = image.endLoad();
            check(entries == expectedEntries, "BEGIN says entries=" + expectedEntries + " but the loaded table holds " +
                entries);
            done = true;
        }

        private void addToCrc(final DirectBuffer buffer, final int offset, final int length)
        {
            buffer.getBytes(offset, scratch, 0, length);
            messagesCrc.update(scratch, 0, length);
        }

        private void check(final boolean condition, final String problem)
        {
            if (!condition)
            {
                throw new ClusterException("Tidemark snapshot refused: " + problem);
            }
        }
    }
}
