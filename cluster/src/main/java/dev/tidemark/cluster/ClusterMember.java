/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.cluster;

import dev.tidemark.store.StoreContext;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One member of a Tidemark cluster: a {@link ClusteredMediaDriver} (media driver, archive and consensus module) and a
 * {@link ClusteredServiceContainer} running a {@link ClusteredStoreService}, with every directory under one member
 * directory and every port derived from a base ({@link Config}). Run it as a program, one process per member:
 * <pre>
 *   java -cp tidemark-cluster.jar:... dev.tidemark.cluster.ClusterMember id=0 dir=/var/tidemark/member-0 \
 *       hosts=host0,host1,host2 maxValueLength=64 capacity=1000000
 * </pre>
 * Member {@code i} listens on {@code portBase + 10 i + 0..4}: ingress, consensus, log, catch-up, archive control.
 * <p>
 * A member killed with SIGKILL leaves its mark files live for Aeron's 10 s liveness timeout; a relaunch within that
 * time is refused by Aeron ("active Mark file detected"), so {@link #launch(Config)} tries again until
 * {@link Config#launchTimeoutMs} has passed.
 */
public final class ClusterMember implements AutoCloseable
{
    private final Config config;
    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;
    private final ClusteredStoreService service;
    private MemberLock lock;

    private ClusterMember(
        final Config config,
        final ClusteredMediaDriver driver,
        final ClusteredServiceContainer container,
        final ClusteredStoreService service)
    {
        this.config = config;
        this.driver = driver;
        this.container = container;
        this.service = service;
    }

    /**
     * Launch a member, retrying while a killed predecessor's mark files are still live.
     *
     * @param config the member's settings.
     * @return the running member.
     */
    public static ClusterMember launch(final Config config)
    {
        return launch(config, () -> {});
    }

    /**
     * Launch a member, retrying while a killed predecessor's mark files are still live.
     *
     * @param config          the member's settings.
     * @param terminationHook run when the cluster terminates this member (a shutdown through ClusterTool, say).
     * @return the running member.
     */
    public static ClusterMember launch(final Config config, final Runnable terminationHook)
    {
        config.validate();
        final MemberLock lock = MemberLock.acquire(config.dir);
        try
        {
            final ClusterMember member = launchRetrying(config, terminationHook);
            member.lock = lock;
            return member;
        }
        catch (final RuntimeException | Error ex)
        {
            lock.close();
            throw ex;
        }
    }

    private static ClusterMember launchRetrying(final Config config, final Runnable terminationHook)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.launchTimeoutMs);
        while (true)
        {
            try
            {
                return launchOnce(config, terminationHook);
            }
            catch (final RuntimeException ex)
            {
                if (!isLiveMarkFile(ex) || System.nanoTime() - deadline > 0)
                {
                    throw ex;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
    }

    private static boolean isLiveMarkFile(final Throwable ex)
    {
        for (Throwable t = ex; null != t; t = t.getCause())
        {
            final String message = t.getMessage();
            if (null != message && message.toLowerCase(java.util.Locale.ROOT).contains("active mark file detected"))
            {
                return true;
            }
        }
        return false;
    }

    private static ClusterMember launchOnce(final Config config, final Runnable terminationHook)
    {
        final int id = config.memberId;
        final String host = config.hosts[id];
        final File memberDir = config.dir;
        final String aeronDir = config.aeronDir();
        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .ipcTermBufferLength(1024 * 1024)
            .publicationTermBufferLength(1024 * 1024)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
        final Archive.Context archiveCtx = new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(new File(memberDir, "archive"))
            .archiveId(id)
            .controlChannel("aeron:udp?endpoint=" + host + ":" + config.port(id, 4))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .archiveClientContext(new AeronArchive.Context()
                .controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .recordingEventsEnabled(false)
            .fileSyncLevel(config.fileSyncLevel)
            .catalogFileSyncLevel(config.fileSyncLevel)
            .segmentFileLength(64 * 1024 * 1024)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(BackoffIdleStrategy::new);
        final AeronArchive.Context localArchive = new AeronArchive.Context()
            .controlRequestChannel(archiveCtx.localControlChannel())
            .controlRequestStreamId(archiveCtx.localControlStreamId())
            .controlResponseChannel(archiveCtx.localControlChannel())
            .aeronDirectoryName(aeronDir);
        final File clusterDir = new File(memberDir, "cluster");
        final ConsensusModule.Context consensusCtx = new ConsensusModule.Context()
            .aeronDirectoryName(aeronDir)
            .clusterMemberId(id)
            .clusterMembers(config.clusterMembers())
            .clusterDir(clusterDir)
            .ingressChannel("aeron:udp?term-length=1m")
            .logChannel("aeron:udp?term-length=4m")
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .archiveContext(localArchive.clone())
            .fileSyncLevel(config.fileSyncLevel)
            .leaderHeartbeatTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.leaderHeartbeatTimeoutMs))
            .leaderHeartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(
                Math.max(50, config.leaderHeartbeatTimeoutMs / 10)))
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .idleStrategySupplier(BackoffIdleStrategy::new)
            .terminationHook(terminationHook);
        final ClusteredStoreService service = new ClusteredStoreService(new StoreContext()
            .dir(new File(memberDir, "state"))
            .keyLength(config.keyLength)
            .maxValueLength(config.maxValueLength)
            .capacity(config.capacity)
            .pageSize(config.pageSize)
            .maxBatchOperations(config.maxBatchOperations), config.maxClients, config.clientExpiryMs);
        ClusteredMediaDriver driver = null;
        ClusteredServiceContainer container = null;
        try
        {
            driver = ClusteredMediaDriver.launch(driverCtx, archiveCtx, consensusCtx);
            container = ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
                .aeronDirectoryName(aeronDir)
                .clusterDir(clusterDir)
                .archiveContext(localArchive.clone())
                .clusteredService(service)
                .idleStrategySupplier(BackoffIdleStrategy::new)
                .terminationHook(terminationHook));
            return new ClusterMember(config, driver, container, service);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(container, driver);
            throw ex;
        }
    }

    /**
     * @return the service (its getters are for the service thread, but for {@link ClusteredStoreService#role()}).
     */
    public ClusteredStoreService service()
    {
        return service;
    }

    /**
     * @return the member's store directory, for {@link dev.tidemark.store.ProcessReader}.
     */
    public File stateDir()
    {
        return new File(config.dir, "state");
    }

    /**
     * @return the member's cluster directory, for {@code io.aeron.cluster.ClusterTool}.
     */
    public File clusterDir()
    {
        return new File(config.dir, "cluster");
    }

    /**
     * Stop the service container, then the consensus module, archive and driver.
     */
    public void close()
    {
        CloseHelper.closeAll(container, driver, lock);
    }

    /**
     * Run one member until SIGTERM, SIGINT or the cluster's termination: {@code key=value} arguments as
     * {@link Config#parse(String[])} reads them.
     *
     * @param args the member's settings.
     */
    public static void main(final String[] args)
    {
        final Config config = Config.parse(args);
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            ClusterMember member = launch(config, barrier::signalAll))
        {
            System.out.println("tidemark-member id=" + config.memberId + " pid=" + ProcessHandle.current().pid() +
                " ready ingress=" + config.hosts[config.memberId] + ":" + config.port(config.memberId, 0) +
                " state=" + member.stateDir());
            System.out.flush();
            barrier.await();
        }
    }

    /**
     * Where a member lives and what its store holds. The geometry, hosts and port base must be the same on every
     * member.
     */
    public static final class Config
    {
        int memberId = -1;
        String[] hosts = {"localhost", "localhost", "localhost"};
        int portBase = 20000;
        File dir;
        String aeronDir;
        int keyLength = Long.BYTES;
        int maxValueLength = 64;
        int capacity = 1_000_000;
        int maxClients = 4096;
        long clientExpiryMs = 3_600_000;
        int pageSize = 4096;
        int maxBatchOperations = 1024;
        int fileSyncLevel;
        long leaderHeartbeatTimeoutMs = 3_000;
        long launchTimeoutMs = 30_000;

        /**
         * Read {@code key=value} settings: {@code id} (required), {@code dir} (required), {@code hosts}
         * (comma separated, one per member; default three times localhost), {@code portBase} (20000),
         * {@code aeronDir} (a directory in /dev/shm per member), {@code keyLength} (8), {@code maxValueLength} (64),
         * {@code capacity} (1,000,000), {@code maxClients} (4,096), {@code clientExpiryMs} (3,600,000: a client
         * silent this long may be forgotten to make room), {@code pageSize} (4,096), {@code maxBatchOperations}
         * (1,024), {@code fileSyncLevel} (0: the log is in each
         * member's page cache when committed; 1: fsynced), {@code heartbeatTimeoutMs} (3,000),
         * {@code launchTimeoutMs} (30,000).
         *
         * @param args the settings.
         * @return the config.
         */
        public static Config parse(final String[] args)
        {
            final Config config = new Config();
            for (final String arg : args)
            {
                final int eq = arg.indexOf('=');
                if (eq < 1)
                {
                    throw new IllegalArgumentException("expected key=value: " + arg);
                }
                final String key = arg.substring(0, eq);
                final String value = arg.substring(eq + 1);
                switch (key)
                {
                    case "id": config.memberId(Integer.parseInt(value)); break;
                    case "dir": config.dir(new File(value)); break;
                    case "hosts": config.hosts(value.split(",")); break;
                    case "portBase": config.portBase(Integer.parseInt(value)); break;
                    case "aeronDir": config.aeronDir(value); break;
                    case "keyLength": config.keyLength(Integer.parseInt(value)); break;
                    case "maxValueLength": config.maxValueLength(Integer.parseInt(value)); break;
                    case "capacity": config.capacity(Integer.parseInt(value)); break;
                    case "maxClients": config.maxClients(Integer.parseInt(value)); break;
                    case "clientExpiryMs": config.clientExpiryMs = Long.parseLong(value); break;
                    case "pageSize": config.pageSize = Integer.parseInt(value); break;
                    case "maxBatchOperations": config.maxBatchOperations = Integer.parseInt(value); break;
                    case "fileSyncLevel": config.fileSyncLevel(Integer.parseInt(value)); break;
                    case "heartbeatTimeoutMs": config.leaderHeartbeatTimeoutMs(Long.parseLong(value)); break;
                    case "launchTimeoutMs": config.launchTimeoutMs(Long.parseLong(value)); break;
                    default: throw new IllegalArgumentException("unknown setting: " + key);
                }
            }
            return config;
        }

        /**
         * @return the settings as {@code key=value} arguments for {@link ClusterMember#main(String[])}.
         */
        public String[] toArgs()
        {
            return new String[]{"id=" + memberId, "dir=" + dir.getAbsolutePath(), "hosts=" + String.join(",", hosts),
                "portBase=" + portBase, "aeronDir=" + aeronDir(), "keyLength=" + keyLength,
                "maxValueLength=" + maxValueLength, "capacity=" + capacity, "maxClients=" + maxClients,
                "clientExpiryMs=" + clientExpiryMs, "pageSize=" + pageSize, "maxBatchOperations=" + maxBatchOperations,
                "fileSyncLevel=" + fileSyncLevel, "heartbeatTimeoutMs=" + leaderHeartbeatTimeoutMs,
                "launchTimeoutMs=" + launchTimeoutMs};
        }

        /**
         * @param id this member's id, in [0, hosts).
         * @return this.
         */
        public Config memberId(final int id)
        {
            this.memberId = id;
            return this;
        }

        /**
         * @param dir the member's directory (cluster, archive and store under it).
         * @return this.
         */
        public Config dir(final File dir)
        {
            this.dir = dir;
            return this;
        }

        /**
         * @return the member's directory.
         */
        public File dir()
        {
            return dir;
        }

        /**
         * @param hosts each member's host, in member id order.
         * @return this.
         */
        public Config hosts(final String... hosts)
        {
            this.hosts = hosts.clone();
            return this;
        }

        /**
         * @param portBase member {@code i} uses {@code portBase + 10 i} to {@code + 4}.
         * @return this.
         */
        public Config portBase(final int portBase)
        {
            this.portBase = portBase;
            return this;
        }

        /**
         * @param aeronDir the member's media driver directory.
         * @return this.
         */
        public Config aeronDir(final String aeronDir)
        {
            this.aeronDir = aeronDir;
            return this;
        }

        /**
         * @param keyLength the store's key length.
         * @return this.
         */
        public Config keyLength(final int keyLength)
        {
            this.keyLength = keyLength;
            return this;
        }

        /**
         * @param maxValueLength the store's max value length.
         * @return this.
         */
        public Config maxValueLength(final int maxValueLength)
        {
            this.maxValueLength = maxValueLength;
            return this;
        }

        /**
         * @param capacity the store's capacity.
         * @return this.
         */
        public Config capacity(final int capacity)
        {
            this.capacity = capacity;
            return this;
        }

        /**
         * @param maxClients clients the service remembers for answering repeats.
         * @return this.
         */
        public Config maxClients(final int maxClients)
        {
            this.maxClients = maxClients;
            return this;
        }

        /**
         * @param level 0: no fsync of the log or archive (a commit survives the kill of any minority of members);
         *              1 or 2: fsynced as Aeron's file sync levels say (a commit survives power loss of all).
         * @return this.
         */
        public Config fileSyncLevel(final int level)
        {
            this.fileSyncLevel = level;
            return this;
        }

        /**
         * @param timeoutMs how long followers wait for the leader's heartbeat before an election.
         * @return this.
         */
        public Config leaderHeartbeatTimeoutMs(final long timeoutMs)
        {
            this.leaderHeartbeatTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * @param timeoutMs how long a launch retries while a killed predecessor's mark files are live.
         * @return this.
         */
        public Config launchTimeoutMs(final long timeoutMs)
        {
            this.launchTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * @return the cluster members string Aeron Cluster reads: {@code id,ingress,consensus,log,catchup,archive|...}.
         */
        public String clusterMembers()
        {
            final StringBuilder members = new StringBuilder();
            for (int i = 0; i < hosts.length; i++)
            {
                if (i > 0)
                {
                    members.append('|');
                }
                members.append(i);
                for (int port = 0; port < 5; port++)
                {
                    members.append(',').append(hosts[i]).append(':').append(port(i, port));
                }
            }
            return members.toString();
        }

        /**
         * @return the ingress endpoints a client connects to: {@code 0=host0:port,1=...}.
         */
        public String ingressEndpoints()
        {
            return ingressEndpoints(hosts, portBase);
        }

        /**
         * @param hosts    each member's host.
         * @param portBase the members' port base.
         * @return the ingress endpoints a client connects to.
         */
        public static String ingressEndpoints(final String[] hosts, final int portBase)
        {
            final StringBuilder endpoints = new StringBuilder();
            for (int i = 0; i < hosts.length; i++)
            {
                if (i > 0)
                {
                    endpoints.append(',');
                }
                endpoints.append(i).append('=').append(hosts[i]).append(':').append(portBase + 10 * i);
            }
            return endpoints.toString();
        }

        int port(final int member, final int which)
        {
            return portBase + 10 * member + which;
        }

        String aeronDir()
        {
            return null != aeronDir ? aeronDir : "/dev/shm/tidemark-cluster-" + portBase + "-" + memberId;
        }

        void validate()
        {
            if (memberId < 0 || memberId >= hosts.length)
            {
                throw new IllegalArgumentException("id must be in [0, " + hosts.length + "): id=" + memberId);
            }
            if (null == dir)
            {
                throw new IllegalArgumentException("dir must be set: the member's directory");
            }
            if (portBase < 1024 || portBase + 10 * hosts.length > 65535)
            {
                throw new IllegalArgumentException("portBase out of range: portBase=" + portBase);
            }
            if (leaderHeartbeatTimeoutMs < 500 || leaderHeartbeatTimeoutMs > 30_000)
            {
                throw new IllegalArgumentException("heartbeatTimeoutMs must be in [500, 30000] (Aeron Cluster's " +
                    "startup canvass must last twice it): " + leaderHeartbeatTimeoutMs);
            }
            if (fileSyncLevel < 0 || fileSyncLevel > 2)
            {
                throw new IllegalArgumentException("fileSyncLevel must be 0, 1 or 2: " + fileSyncLevel);
            }
        }
    }
}
