/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.archive.ChangeMessageFlyweight;
import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import dev.tidemark.store.TableImage;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.client.ClusterException;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.tidemark.cluster.ClusterRequestDescriptor.CLIENT_ID_OFFSET;
import static dev.tidemark.cluster.ClusterRequestDescriptor.MESSAGE_OFFSET;
import static dev.tidemark.cluster.ClusterRequestDescriptor.MIN_LENGTH;
import static dev.tidemark.cluster.ClusterResponseDescriptor.*;

/**
 * A Tidemark {@link StateStore} as an Aeron Cluster service: every member applies the committed requests of the
 * cluster log to its own mapped store, exactly once and in log order, and the leader answers each client on its
 * egress. An APPLIED answer means a quorum recorded the request in the log and the leader applied it; every other
 * member applies it as its log reaches the same position.
 * <p>
 * <b>State.</b> The store lives in {@link StoreContext#dir()}; Aeron Cluster, not the store's own checkpoints, makes
 * it durable. At every start the service opens that store empty (a store there with entries is refused, never
 * overwritten), loads the latest cluster snapshot if there is one ({@link ClusterSnapshotDescriptor}: the mapped
 * pages with their CRCs), then Aeron Cluster replays the log from the snapshot's position through
 * {@link #onSessionMessage}. Readers ({@link dev.tidemark.store.ProcessReader} on {@code dir}, in this process or
 * another) are admitted once the snapshot is loaded; the position they read is the log position of the last request
 * applied, so {@code position() >= p} means every request committed up to {@code p} is visible.
 * <p>
 * <b>Repeats.</b> Clients number their requests 1, 2, 3, ... and resend what is unanswered after a failover. The
 * service keeps, per client, the last request id and the outcomes of its last
 * {@link ClusterRequestDescriptor#OUTCOME_WINDOW} requests ({@link ClientTable}, in the snapshot too): a repeat is
 * answered with its first outcome, never applied twice; a gap is answered OUT_OF_ORDER.
 * <p>
 * Service thread only. Applying a request allocates nothing; rejections build their reason text.
 */
public final class ClusteredStoreService implements ClusteredService
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int EGRESS_ATTEMPTS = 8;

    private final StoreContext storeContext;
    private final ClientTable clients;
    private final StoreSnapshots snapshots = new StoreSnapshots();
    private final UnsafeBuffer response = new UnsafeBuffer(
        ByteBuffer.allocateDirect(REASON_OFFSET + MAX_REASON_LENGTH));
    private ChangeMessageFlyweight message;
    private Cluster cluster;
    private StateStore store;
    private TableImage image;
    private StoreBatch batch;
    private long applied;
    private long lastSnapshotNs;
    private long responsesDropped;
    private String rejection;
    private final long clientExpiryMs;
    private long clientExpiry;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;

    /**
     * A service over the store these settings describe.
     *
     * @param storeContext the member's store: its directory (one per member) and geometry, the same on every member.
     * @param maxClients     clients remembered for answering repeats (see {@link ClientTable}); the same on every
     *                       member.
     * @param clientExpiryMs how long a client must have been silent (cluster time) before the service may forget
     *                       it to make room for a new one; at least 10 minutes, far above a client's request
     *                       timeout, so that no request of a forgotten client is ever still being resent.
     */
    public ClusteredStoreService(final StoreContext storeContext, final int maxClients, final long clientExpiryMs)
    {
        if (clientExpiryMs < 600_000)
        {
            throw new IllegalArgumentException("clientExpiryMs must be at least 600000: " + clientExpiryMs);
        }
        this.storeContext = storeContext;
        this.clients = new ClientTable(maxClients);
        this.clientExpiryMs = clientExpiryMs;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        store = StateStore.open(storeContext
            .admitReadersOnOpen(false)
            .useCheckpointerInvoker(true)
            .checkpointForcerThread(false));
        if (0 != store.size())
        {
            final int size = store.size();
            store.closeWithoutCheckpoint();
            throw new ClusterException("the member's store holds " + size + " entries before the cluster loaded " +
                "anything: dir=" + storeContext.dir() + "; a clustered store is rebuilt from the cluster's snapshot " +
                "and log at every start, so this directory must hold only the store its service made (move it away)");
        }
        image = new TableImage(store);
        batch = store.newBatch();
        message = new ChangeMessageFlyweight(ClusterRequestDescriptor.MAX_LENGTH);
        if (ClusterSnapshotDescriptor.pageLength(image.pageSize()) > ClusterSnapshotDescriptor.MAX_PAGE_MESSAGE)
        {
            final int pageSize = image.pageSize();
            store.closeWithoutCheckpoint();
            throw new ClusterException("page size " + pageSize + " is too large for the snapshot's messages (at most " +
                (ClusterSnapshotDescriptor.MAX_PAGE_MESSAGE - ClusterSnapshotDescriptor.PAGE_BYTES_OFFSET) + ")");
        }

        if (null != snapshotImage)
        {
            final long start = System.nanoTime();
            applied = snapshots.load(snapshotImage, store, image, clients, storeContext.maxBatchOperations(),
                cluster.idleStrategy());
            System.out.println("tidemark: member " + cluster.memberId() + " loaded snapshot entries=" + store.size() +
                " clients=" + clients.count() + " position=" + store.lastPosition() + " in " +
                (System.nanoTime() - start) / 1000 + " us");
        }
        store.durablePosition(store.lastPosition());
        store.admitReaders();
    }

    /**
     * {@inheritDoc}
     */
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    /**
     * {@inheritDoc}
     */
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    /**
     * Apply one request: the whole decision is made from the log and the replicated state, so every member makes it
     * alike.
     */
    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        final long position = header.position();
        if (length < MIN_LENGTH || ClusterRequestDescriptor.TYPE != buffer.getInt(offset, ORDER))
        {
            respond(session, INVALID, 0, 0, position, "not a Tidemark request: length=" + length);
            return;
        }
        final long clientId = buffer.getLong(offset + CLIENT_ID_OFFSET, ORDER);
        message.wrap(buffer, offset + MESSAGE_OFFSET, length - MESSAGE_OFFSET);
        final long requestId = message.sequence();
        if (0 == clientId || requestId < 1 || 0 != buffer.getInt(offset + ClusterRequestDescriptor.RESERVED_OFFSET,
            ORDER))
        {
            respond(session, INVALID, clientId, requestId, position, "client id and request id must be positive " +
                "and the reserved word 0: clientId=" + clientId + " requestId=" + requestId);
            return;
        }

        int slot = clients.slot(clientId);
        if (slot < 0)
        {
            if (1 != requestId)
            {
                respond(session, UNKNOWN_CLIENT, clientId, requestId, 1, "unknown client: start at request 1");
                return;
            }
            final String problem = message.validate();
            if (null != problem)
            {
                respond(session, INVALID, clientId, requestId, position, problem); // a stranger's garbage: not kept
                return;
            }
            if (0 == clientExpiry) // the cluster's time unit is known once the log is read, not at onStart
            {
                clientExpiry = cluster.timeUnit().convert(clientExpiryMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            slot = clients.add(clientId, timestamp, timestamp - clientExpiry);
            if (slot < 0)
            {
                respond(session, INVALID, clientId, requestId, position, "too many clients: " + clients.count() +
                    " remembered, none silent long enough to be forgotten");
                return;
            }
        }
        clients.seen(slot, timestamp);
        final long last = clients.lastRequestId(slot);
        if (requestId <= last)
        {
            final long outcome = clients.outcome(slot, requestId);
            if (ClientTable.MISSING == outcome)
            {
                respond(session, EXPIRED, clientId, requestId, position, "repeat of a request processed more than " +
                    ClusterRequestDescriptor.OUTCOME_WINDOW + " requests ago: last=" + last);
            }
            else
            {
                respond(session, ClientTable.status(outcome), clientId, requestId, ClientTable.position(outcome),
                    null);
            }
            return;
        }
        if (requestId != last + 1)
        {
            respond(session, OUT_OF_ORDER, clientId, requestId, last + 1, null);
            return;
        }

        final int status = apply(position);
        clients.record(slot, requestId, status, position);
        respond(session, status, clientId, requestId, position, APPLIED == status ? null : rejection);
    }

    private int apply(final long position)
    {
        final String problem = message.validate();
        if (null != problem)
        {
            rejection = problem;
            return INVALID;
        }
        try
        {
            batch.wrap(message.buffer(), message.operationsOffset(), message.operationsLength(),
                message.operationCount());
        }
        catch (final IllegalArgumentException ex)
        {
            rejection = ex.getMessage();
            return INVALID;
        }
        store.checkWritable(); // a local fault (closed, wrong thread) is thrown, never recorded as a decision
        try
        {
            // Atomic: a batch that would overflow the table at any step is refused before anything changes.
            store.apply(batch);
        }
        catch (final IllegalStateException ex)
        {
            rejection = ex.getMessage();
            return TABLE_FULL;
        }
        store.logPosition(position);
        store.durablePosition(position);
        applied++;
        return APPLIED;
    }

    private void respond(
        final ClientSession session,
        final int status,
        final long clientId,
        final long requestId,
        final long position,
        final String reason)
    {
        if (Cluster.Role.LEADER != cluster.role())
        {
            return;
        }
        response.putInt(TYPE_OFFSET, ClusterResponseDescriptor.TYPE, ORDER);
        response.putInt(STATUS_OFFSET, status, ORDER);
        response.putLong(CLIENT_ID_OFFSET, clientId, ORDER);
        response.putLong(REQUEST_ID_OFFSET, requestId, ORDER);
        response.putLong(POSITION_OFFSET, position, ORDER);
        int reasonLength = 0;
        if (null != reason)
        {
            reasonLength = Math.min(reason.length(), MAX_REASON_LENGTH);
            for (int i = 0; i < reasonLength; i++)
            {
                final char c = reason.charAt(i);
                response.putByte(REASON_OFFSET + i, (byte)(c < 128 ? c : '?'));
            }
        }
        response.putInt(REASON_LENGTH_OFFSET, reasonLength, ORDER);
        final int length = REASON_OFFSET + reasonLength;
        // An answer that cannot be sent is dropped, never waited for at length: the cluster would stall behind one
        // slow client. The client resends what stays unanswered and gets the same outcome.
        for (int attempt = 0; attempt < EGRESS_ATTEMPTS; attempt++)
        {
            final long result = session.offer(response, 0, length);
            if (result > 0 || Publication.NOT_CONNECTED == result || Publication.CLOSED == result ||
                Publication.MAX_POSITION_EXCEEDED == result)
            {
                if (result < 0)
                {
                    responsesDropped++;
                }
                return;
            }
            Thread.onSpinWait(); // never parked: the log waits behind the service
        }
        responsesDropped++;
    }

    /**
     * {@inheritDoc}
     */
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
    }

    /**
     * Stream the table's pages and the client table to the snapshot publication. Aeron Cluster stops the log for
     * every member while its services snapshot; the time this takes is printed and kept
     * ({@link #lastSnapshotNs()}).
     */
    public void onTakeSnapshot(final ExclusivePublication snapshotPublication)
    {
        final long start = System.nanoTime();
        snapshots.write(snapshotPublication, store, image, clients, applied, store.lastPosition(),
            storeContext.maxBatchOperations(), cluster.idleStrategy());
        lastSnapshotNs = System.nanoTime() - start;
        System.out.println("tidemark: member " + cluster.memberId() + " snapshot entries=" + store.size() +
            " pages=" + snapshots.lastPagesSent + " bytes=" + snapshots.lastBytesSent + " clients=" + clients.count() +
            " position=" + store.lastPosition() + " took_us=" + lastSnapshotNs / 1000);
    }

    /**
     * {@inheritDoc}
     */
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
    }

    /**
     * Close the store; the cluster's snapshot and log hold the state.
     */
    public void onTerminate(final Cluster cluster)
    {
        if (null != store && !store.isClosed())
        {
            store.closeWithoutCheckpoint();
        }
    }

    /**
     * @return this member's role as last told (any thread).
     */
    public Cluster.Role role()
    {
        return role;
    }

    /**
     * @return requests applied, counting those in the snapshot loaded (service thread).
     */
    public long applied()
    {
        return applied;
    }

    /**
     * @return how long the last snapshot's state took to write, in nanoseconds (service thread).
     */
    public long lastSnapshotNs()
    {
        return lastSnapshotNs;
    }

    /**
     * @return answers that could not be sent (the client resends and is answered again).
     */
    public long responsesDropped()
    {
        return responsesDropped;
    }
}
