/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The physical limits of the log: a raw Aeron IPC claim-and-commit of a message the size of a change message, with
 * a subscriber draining it on another thread (the archive's place), and a raw write-then-fdatasync loop on the disk
 * the store uses.
 */
public class LogBaselineBenchmark extends BenchmarkDefaults
{
    @Param({ "72" })
    int messageLength;

    private File dir;
    private MediaDriver driver;
    private Aeron aeron;
    private ExclusivePublication publication;
    private Subscription subscription;
    private Thread drainer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final BufferClaim claim = new BufferClaim();
    private RandomAccessFile syncFile;
    private FileChannel syncChannel;
    private ByteBuffer syncBuffer;
    private long syncPosition;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        dir = BenchmarkSupport.newDirectory("log-bench");
        final String aeronDir = io.aeron.CommonContext.getAeronDirectoryName() + "-bench-" + System.nanoTime();
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDir).dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy()).ipcTermBufferLength(2 * 1024 * 1024));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        final String channel = "aeron:ipc?term-length=2m|mtu=8192";
        subscription = aeron.addSubscription(channel, 1001);
        publication = aeron.addExclusivePublication(channel, 1001);
        while (!publication.isConnected())
        {
            Thread.onSpinWait();
        }
        drainer = new Thread(() ->
        {
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            while (running.get())
            {
                idle.idle(subscription.poll((buffer, offset, length, header) -> { }, 256));
            }
        }, "drainer");
        drainer.start();

        syncFile = new RandomAccessFile(new File(dir, "sync.dat"), "rw");
        syncFile.setLength(64L * 1024 * 1024);
        syncChannel = syncFile.getChannel();
        syncBuffer = ByteBuffer.allocateDirect(64);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        running.set(false);
        drainer.join();
        CloseHelper.closeAll(publication, subscription, aeron, driver, syncChannel, syncFile);
        BenchmarkSupport.delete(dir);
    }

    @Benchmark
    public long ipcClaimCommit()
    {
        long result;
        while ((result = publication.tryClaim(messageLength, claim)) < 0)
        {
            Thread.onSpinWait();
        }
        final UnsafeBuffer buffer = (UnsafeBuffer)claim.buffer();
        buffer.putLong(claim.offset(), result);
        claim.commit();
        return result;
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int writeAndFdatasync() throws Exception
    {
        syncBuffer.clear();
        syncBuffer.putLong(0, syncPosition);
        final int written = syncChannel.write(syncBuffer, syncPosition);
        syncChannel.force(false);
        syncPosition = (syncPosition + 64) & (64L * 1024 * 1024 - 1);
        return written;
    }
}
