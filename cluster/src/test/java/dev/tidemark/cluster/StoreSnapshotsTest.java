/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.TableImage;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.cluster.client.ClusterException;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshot written through a real IPC publication and loaded from its image: the state comes back entry for
 * entry with its clients; a flipped page byte, another geometry, a missing page, a missing END, a repeated client are
 * each refused with what is wrong, and never load a partial state silently.
 */
class StoreSnapshotsTest
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int STREAM = 1001;
    // Room for a whole snapshot in the window: the test writes it all before it reads any.
    private static final String CHANNEL = "aeron:ipc?term-length=16m";

    @TempDir
    File dir;

    private MediaDriver driver;
    private Aeron aeron;
    private int streamId = STREAM;

    @BeforeEach
    void launch()
    {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context().threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true).termBufferSparseFile(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    @Test
    void shouldLoadTheStateAndClientsItWrote()
    {
        final Map<Long, Integer> model = new HashMap<>();
        final List<byte[]> messages = writeSnapshot(model, 5_000);
        try (StateStore loaded = open("loaded", 64, 20_000))
        {
            final ClientTable clients = new ClientTable(8);
            final long applied = load(messages, loaded, clients, m -> { });
            assertEquals(12_345, applied);
            assertEquals(model.size(), loaded.size());
            final UnsafeBuffer into = new UnsafeBuffer(new byte[64]);
            for (final Map.Entry<Long, Integer> entry : model.entrySet())
            {
                assertTrue(loaded.get(entry.getKey(), into, 0) >= 0, "key " + entry.getKey());
                assertEquals(entry.getValue(), into.getInt(0, ORDER));
            }
            assertEquals(2, clients.count());
            assertEquals(41, clients.lastRequestId(clients.slot(7)));
            final int slot = clients.slot(7);
            assertEquals(ClusterResponseDescriptor.TABLE_FULL, ClientTable.status(clients.outcome(slot, 41)));
            assertEquals(777, ClientTable.position(clients.outcome(clients.slot(7), 40)));
            assertEquals(9_000, loaded.lastPosition());
        }
    }

    @Test
    void shouldRefuseEveryDamagedSnapshot()
    {
        final List<byte[]> messages = writeSnapshot(new HashMap<>(), 3_000);
        assertRefused(messages, m -> flip(m, ClusterSnapshotDescriptor.PAGE_TYPE, 0,
            ClusterSnapshotDescriptor.PAGE_BYTES_OFFSET + 100), "fails its CRC", 64, 20_000);
        assertRefused(messages, m -> m.remove(indexOf(m, ClusterSnapshotDescriptor.PAGE_TYPE, 2)), "END says pages=",
            64, 20_000);
        assertRefused(messages, m -> m.remove(indexOf(m, ClusterSnapshotDescriptor.END_TYPE, 0)),
            "ended before its END", 64, 20_000);
        assertRefused(messages, m -> m.add(indexOf(m, ClusterSnapshotDescriptor.END_TYPE, 0),
            m.get(indexOf(m, ClusterSnapshotDescriptor.CLIENT_TYPE, 0)).clone()), "twice", 64, 20_000);
        assertRefused(messages, m -> { }, "does not match this member's", 64, 30_000);
        assertRefused(messages, m -> { }, "does not match this member's", 32, 20_000);
        assertRefused(messages, m -> put(m.get(0), ClusterSnapshotDescriptor.BEGIN_VERSION_OFFSET, 2),
            "version=2", 64, 20_000);
        assertRefused(messages, m -> put(m.get(0), ClusterSnapshotDescriptor.BEGIN_ENTRY_COUNT_OFFSET, 1),
            "END's CRC", 64, 20_000); // BEGIN's bytes are in END's CRC
        assertRefused(messages, m -> put(m.get(indexOf(m, ClusterSnapshotDescriptor.END_TYPE, 0)),
            ClusterSnapshotDescriptor.END_ENTRY_COUNT_OFFSET, 1), "END says entries=1", 64, 20_000);
        assertRefused(messages, m -> flip(m, ClusterSnapshotDescriptor.CLIENT_TYPE, 0,
            ClusterSnapshotDescriptor.CLIENT_LAST_REQUEST_OFFSET), "END's CRC", 64, 20_000);
        assertRefused(messages, m -> flip(m, ClusterSnapshotDescriptor.CLIENT_TYPE, 1,
            ClusterSnapshotDescriptor.CLIENT_OUTCOMES_OFFSET + 7), "END's CRC", 64, 20_000);
        assertRefused(messages, m -> flip(m, ClusterSnapshotDescriptor.PAGE_TYPE, 1,
            ClusterSnapshotDescriptor.PAGE_CRC_OFFSET), "fails its CRC", 64, 20_000);
        assertRefused(messages, m -> put(m.get(0), ClusterSnapshotDescriptor.BEGIN_MAX_BATCH_OPERATIONS_OFFSET, 10),
            "maxBatchOperations=10", 64, 20_000);
        assertRefused(messages, m -> put(m.get(0), ClusterSnapshotDescriptor.BEGIN_APPLIED_OFFSET, 7),
            "END's CRC", 64, 20_000);
        final int last = indexOf(messages, ClusterSnapshotDescriptor.PAGE_TYPE, 3);
        assertRefused(messages, m -> put(m.get(last), ClusterSnapshotDescriptor.PAGE_INDEX_OFFSET, 0),
            "after page", 64, 20_000);
    }

    private void assertRefused(
        final List<byte[]> original, final Consumer<List<byte[]>> damage, final String expected,
        final int maxValueLength, final int capacity)
    {
        final List<byte[]> messages = new ArrayList<>();
        for (final byte[] message : original)
        {
            messages.add(message.clone());
        }
        damage.accept(messages);
        try (StateStore store = open("refused-" + (streamId + 1), maxValueLength, capacity))
        {
            final ClusterException ex = assertThrows(ClusterException.class,
                () -> load(messages, store, new ClientTable(8), m -> { }));
            assertTrue(ex.getMessage().contains(expected), ex.getMessage());
        }
    }

    private List<byte[]> writeSnapshot(final Map<Long, Integer> model, final int puts)
    {
        final List<byte[]> messages = new ArrayList<>();
        try (StateStore store = open("source", 64, 20_000))
        {
            final Random random = new Random(42);
            final UnsafeBuffer value = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < puts; i++)
            {
                final long key = random.nextInt(20_000);
                if (random.nextInt(5) == 0)
                {
                    store.remove(key);
                    model.remove(key);
                }
                else
                {
                    value.putInt(0, i, ORDER);
                    store.put(key, value, 0, 4 + random.nextInt(60));
                    model.put(key, i);
                }
            }
            store.logPosition(9_000);
            store.admitReaders();
            final ClientTable clients = new ClientTable(8);
            clients.add(7, 1, Long.MAX_VALUE);
            for (int id = 1; id <= 41; id++)
            {
                clients.record(clients.slot(7), id, id == 41 ? ClusterResponseDescriptor.TABLE_FULL : 0, 737 + id);
            }
            clients.add(8, 2, Long.MAX_VALUE);
            try (ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, ++streamId);
                Subscription subscription = aeron.addSubscription(CHANNEL, streamId))
            {
                LocalCluster.await(publication::isConnected, 30_000, Thread::onSpinWait, "the subscription");
                new StoreSnapshots().write(publication, store, new TableImage(store), clients, 12_345, 9_000, 1024,
                    new BackoffIdleStrategy());
                final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, header) ->
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    messages.add(bytes);
                });
                LocalCluster.await(() ->
                {
                    subscription.poll(assembler, 100);
                    return !messages.isEmpty() && ClusterSnapshotDescriptor.END_TYPE ==
                        new UnsafeBuffer(messages.get(messages.size() - 1)).getInt(0, ORDER);
                }, 30_000, Thread::onSpinWait, "the snapshot's END");
            }
            store.closeWithoutCheckpoint();
        }
        return messages;
    }

    private long load(
        final List<byte[]> messages, final StateStore store, final ClientTable clients,
        final Consumer<StateStore> after)
    {
        final ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, ++streamId);
        try (Subscription subscription = aeron.addSubscription(CHANNEL, streamId))
        {
            LocalCluster.await(() -> publication.isConnected() && subscription.imageCount() > 0, 30_000,
                Thread::onSpinWait, "the subscription");
            final Image image = subscription.imageAtIndex(0);
            for (final byte[] message : messages)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(message);
                LocalCluster.await(() -> publication.offer(buffer) > 0, 30_000, Thread::onSpinWait, "offer");
            }
            CloseHelper.close(publication); // the image ends after the last message
            final long applied = new StoreSnapshots().load(image, store, new TableImage(store), clients, 1024,
                new BackoffIdleStrategy());
            after.accept(store);
            return applied;
        }
        finally
        {
            CloseHelper.close(publication);
        }
    }

    private StateStore open(final String name, final int maxValueLength, final int capacity)
    {
        return StateStore.open(new StoreContext().dir(new File(dir, name)).keyLength(8)
            .maxValueLength(maxValueLength).capacity(capacity).admitReadersOnOpen(false));
    }

    private static int indexOf(final List<byte[]> messages, final int type, final int nth)
    {
        int seen = 0;
        for (int i = 0; i < messages.size(); i++)
        {
            if (type == new UnsafeBuffer(messages.get(i)).getInt(0, ORDER) && seen++ == nth)
            {
                return i;
            }
        }
        throw new AssertionError("no message of type " + Integer.toHexString(type) + " number " + nth);
    }

    private static void flip(final List<byte[]> messages, final int type, final int nth, final int at)
    {
        messages.get(indexOf(messages, type, nth))[at] ^= 0x40;
    }

    private static void put(final byte[] message, final int offset, final int value)
    {
        final MutableDirectBuffer buffer = new UnsafeBuffer(message);
        buffer.putInt(offset, value, ORDER);
    }
}
