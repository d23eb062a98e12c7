/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StateStore;
import dev.tidemark.store.StoreBatch;
import dev.tidemark.store.StoreContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input on the public API of {@link DurableStore}, as a careless or hostile caller would give it. Each refusal
 * must be a clear error naming the argument or setting (not a bare JDK exception), with nothing applied or published:
 * size, position, sequence and contents unchanged, the next write one message further on, and a reopen (which
 * replays the log) showing nothing of it. A refused open must write nothing.
 */
class DurableStoreBadInputTest
{
    private static final int KEY_LENGTH = 16;

    @TempDir
    File root;

    private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private final UnsafeBuffer value = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
    private final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private long oneMessage;
    private Map<String, String> probeContents;
    private long probeSequence;

    // ------------------------------------------------------------------------------------------------ null

    @Test
    void shouldRefuseNullValueBuffersNamingThemWithNothingAppliedOrPublished()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        final StoreBatch batch = store.newBatch();
        assertAll(
            () -> assertRefused(store, () -> store.put(1L, null, 0, 8), "value"),
            () -> assertRefused(store, () -> store.put(1L, null, 0, 8, Durability.RECORDED), "value"),
            () -> assertRefused(store, () -> batch.put(1L, null, 0, 8), "value"),
            () -> assertRefused(store, () -> store.get(0L, null, 0), "destination"),
            () -> assertReopenShowsNothingOfIt(store, dir, (d) -> openLongKeys(d, 64)));

    }

    @Test
    void shouldRefuseNullKeyBuffersNamingThemWithNothingAppliedOrPublished()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openByteKeys(dir, 64);
        final StoreBatch batch = store.newBatch();
        assertAll(
            () -> assertRefused(store, () -> store.put(null, 0, value, 0, 8), "key"),
            () -> assertRefused(store, () -> store.put(null, 0, value, 0, 8, Durability.RECORDED), "key"),
            () -> assertRefused(store, () -> store.remove(null, 0, Durability.RECORDED), "key"),
            () -> assertRefused(store, () -> store.contains(null, 0), "key"),
            () -> assertRefused(store, () -> store.get(null, 0, value, 0), "key"),
            () -> assertRefused(store, () -> batch.put(null, 0, value, 0, 8), "key"),
            () -> assertRefused(store, () -> batch.remove(null, 0), "key"),
            () -> assertRefused(store, () -> store.put(byteKey(1), 0, null, 0, 8, Durability.RECORDED), "value"),
            () -> assertReopenShowsNothingOfIt(store, dir, (d) -> openByteKeys(d, 64)));

    }

    @Test
    void shouldRefuseANullBatchNamingItWithNothingAppliedOrPublished()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        assertAll(
            () -> assertRefused(store, () -> store.apply(null), "batch"),
            () -> assertRefused(store, () -> store.apply(null, Durability.RECORDED), "batch"),
            () -> assertReopenShowsNothingOfIt(store, dir, (d) -> openLongKeys(d, 64)));

    }

    @Test
    void shouldRefuseANullDurabilityNamingItWithNothingAppliedOrPublished()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 256);
        final StoreBatch small = store.newBatch().put(7L, value, 0, 8).remove(3L);
        final StoreBatch overOneMtu = store.newBatch();
        for (int i = 0; i < 40; i++)
        {
            overOneMtu.put(100L + i, value, 0, 200);
        }
        assertAll(
            () -> assertRefused(store, () -> store.put(1L, value, 0, 8, null), "durability"),
            () -> assertRefused(store, () -> store.remove(1L, null), "durability"),
            () -> assertRefused(store, () -> store.apply(small, null), "durability"),
            () -> assertRefused(store, () -> store.apply(overOneMtu, null), "durability"),
            () -> assertReopenShowsNothingOfIt(store, dir, (d) -> openLongKeys(d, 256)));

    }

    @Test
    void shouldRefuseSyncedDurabilityOnAStoreWithoutFsyncWithNothingAppliedOrPublished()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 256);
        final StoreBatch small = store.newBatch().put(7L, value, 0, 8).remove(3L);
        final StoreBatch overOneMtu = store.newBatch();
        for (int i = 0; i < 40; i++)
        {
            overOneMtu.put(100L + i, value, 0, 200);
        }
        assertAll(
            () -> assertRefused(store, () -> store.put(1L, value, 0, 8, Durability.SYNCED), "fileSyncLevel"),
            () -> assertRefused(store, () -> store.remove(1L, Durability.SYNCED), "fileSyncLevel"),
            () -> assertRefused(store, () -> store.apply(small, Durability.SYNCED), "fileSyncLevel"),
            () -> assertRefused(store, () -> store.apply(overOneMtu, Durability.SYNCED), "fileSyncLevel"),
            () -> assertReopenShowsNothingOfIt(store, dir, (d) -> openLongKeys(d, 256)));
    }

    /**
     * A durability the store cannot give is known before any log space is claimed: refusing it must not leave
     * frames in the log (an aborted claim is a padding frame, so the next write lands further on than one message).
     */
    @Test
    void shouldRefuseSyncedDurabilityWithoutFsyncBeforeTakingLogSpace()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        try
        {
            assertThrows(IllegalArgumentException.class, () -> store.put(1L, value, 0, 8, Durability.SYNCED));
            assertThrows(IllegalArgumentException.class, () -> store.remove(1L, Durability.SYNCED));
            final long before = store.position();
            final long after = store.put(999L, value, 0, 8, Durability.RECORDED);
            assertEquals(oneMessage, after - before, "the refused writes left " + (after - before - oneMessage) +
                " bytes in the log: the next put moved the position by " + (after - before) + ", one message is " +
                oneMessage);
        }
        finally
        {
            store.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ sizes

    @Test
    void shouldRefuseABatchBuiltByAStoreWithALargerMaxValueLengthWithNothingAppliedOrPublished()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        try (StateStore other = StateStore.open(new StoreContext().dir(new File(root, "other"))
            .keyLength(8).maxValueLength(256).capacity(1000).errorHandler(errors::add)))
        {
            final StoreBatch small = other.newBatch();
            for (int i = 0; i < 3; i++)
            {
                small.put(10L + i, value, 0, 200);
            }
            final StoreBatch overOneMtu = other.newBatch();
            for (int i = 0; i < 40; i++)
            {
                overOneMtu.put(10L + i, value, 0, 200);
            }
            assertAll(
                () -> assertRefused(store, () -> store.apply(small, Durability.RECORDED),
                    "valueLength", "another store", "foreign"),
                () -> assertRefused(store, () -> store.apply(small), "valueLength", "another store", "foreign"),
                () -> assertRefused(store, () -> store.apply(overOneMtu, Durability.RECORDED),
                    "valueLength", "another store", "foreign"),
                () -> assertReopenShowsNothingOfIt(store, dir, (d) -> openLongKeys(d, 64)));
        }
    }

    @Test
    void shouldRefuseAValueOneByteOverTheMaximumNamingItWithNothingAppliedOrPublished()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        final StoreBatch batch = store.newBatch();
        final UnsafeBuffer small = new UnsafeBuffer(new byte[64]);
        assertAll(
            () -> assertRefused(store, () -> store.put(1L, value, 0, 65), "valueLength"),
            () -> assertRefused(store, () -> store.put(1L, value, 0, 65, Durability.SYNCED), "valueLength"),
            () -> assertRefused(store, () -> store.put(1L, value, 0, -1, Durability.RECORDED), "valueLength"),
            () -> assertRefused(store, () -> store.put(1L, small, 60, 8, Durability.RECORDED), "offset"),
            () -> assertRefused(store, () -> store.put(1L, small, -1, 8, Durability.RECORDED), "offset"),
            () -> assertRefused(store, () -> batch.put(1L, value, 0, 65), "valueLength"),
            () -> assertReopenShowsNothingOfIt(store, dir, (d) -> openLongKeys(d, 64)));

    }

    @Test
    void shouldRefuseAKeyBufferTooShortNamingItWithNothingAppliedOrPublished()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openByteKeys(dir, 64);
        final StoreBatch batch = store.newBatch();
        final UnsafeBuffer shortKey = new UnsafeBuffer(new byte[KEY_LENGTH - 1]);
        final UnsafeBuffer wide = new UnsafeBuffer(new byte[32]);
        assertAll(
            () -> assertRefused(store, () -> store.put(shortKey, 0, value, 0, 8), "key"),
            () -> assertRefused(store, () -> store.put(shortKey, 0, value, 0, 8, Durability.RECORDED), "key"),
            () -> assertRefused(store, () -> store.put(wide, 17, value, 0, 8, Durability.RECORDED), "key"),
            () -> assertRefused(store, () -> store.put(wide, -1, value, 0, 8, Durability.RECORDED), "key"),
            () -> assertRefused(store, () -> store.remove(shortKey, 0, Durability.RECORDED), "key"),
            () -> assertRefused(store, () -> store.contains(shortKey, 0), "key"),
            () -> assertRefused(store, () -> store.get(shortKey, 0, value, 0), "key"),
            () -> assertRefused(store, () -> batch.put(shortKey, 0, value, 0, 8), "key"),
            () -> assertRefused(store, () -> batch.remove(wide, 17), "key"),
            () -> assertRefused(store, () -> store.put(1L, value, 0, 8, Durability.RECORDED), "keyLength"),
            () -> assertReopenShowsNothingOfIt(store, dir, (d) -> openByteKeys(d, 64)));

    }

    // ------------------------------------------------------------------------------------------------ threads

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void shouldCloseFullyOrRefuseBeforeChangingAnythingWhenClosedFromAnotherThread(final boolean checkpoint)
        throws Exception
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        final Map<String, String> before = contents(store);
        final long sequence = store.sequence();
        final Throwable[] thrown = new Throwable[1];
        final Thread hook = new Thread(() ->
        {
            try
            {
                if (checkpoint)
                {
                    store.close();
                }
                else
                {
                    store.closeWithoutCheckpoint();
                }
            }
            catch (final Throwable ex)
            {
                thrown[0] = ex;
            }
        }, "shutdown-hook");
        hook.start();
        hook.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(hook.isAlive(), "close from another thread hangs");
        final String how = (checkpoint ? "close()" : "closeWithoutCheckpoint()") + " from another thread ";

        if (null == thrown[0])
        {
            // It worked: the store is closed for the writer too, and the directory reopens with everything.
            assertThrows(IllegalStateException.class, () -> store.put(1L, value, 0, 8, Durability.RECORDED),
                how + "worked, so the writer's next put must be refused as closed");
            store.close();
        }
        else
        {
            assertInstanceOf(IllegalStateException.class, thrown[0], how + "refused: " + thrown[0]);
            // Refused: nothing may have changed, so the writer goes on writing and then closes.
            final long position;
            try
            {
                position = store.put(1L, value, 0, 8, Durability.RECORDED);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError(how + "refused (" + thrown[0] + ") but left the store unusable to " +
                    "its writer: " + ex, ex);
            }
            assertTrue(store.durablePosition() >= position, how + "refused, then a RECORDED put was not durable");
            assertEquals(sequence + 1, store.sequence());
            before.put(hex(longKey(1L)), hex(value, 8));
            try
            {
                store.close();
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError(how + "refused (" + thrown[0] + ") but the writer's close failed: " + ex, ex);
            }
        }
        final DurableStore reopened;
        try
        {
            reopened = openLongKeys(dir, 64);
        }
        catch (final RuntimeException ex)
        {
            throw new AssertionError(how + (null == thrown[0] ? "worked" : "refused (" + thrown[0] + ")") +
                " but the directory cannot be reopened: " + ex, ex);
        }
        try
        {
            assertEquals(before, contents(reopened), how + "lost or changed writes");
        }
        finally
        {
            reopened.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ opening

    /**
     * Settings an open must refuse, each naming the setting, before it writes anything.
     */
    enum BadSetting
    {
        CAPACITY_MINUS_ONE("capacity", (ctx) -> ctx.storeContext().capacity(-1)),
        CAPACITY_ZERO("capacity", (ctx) -> ctx.storeContext().capacity(0)),
        KEY_LENGTH_ZERO("keyLength", (ctx) -> ctx.storeContext().keyLength(0)),
        MAX_VALUE_LENGTH_NEGATIVE("maxValueLength", (ctx) -> ctx.storeContext().maxValueLength(-2)),
        NULL_DEFAULT_DURABILITY("durability", (ctx) -> ctx.durability(null)),
        TERM_LENGTH_NOT_A_POWER_OF_TWO("termLength", (ctx) -> ctx.termLength(100_000)),
        SEGMENT_NOT_A_MULTIPLE_OF_THE_TERM("segmentFileLength", (ctx) -> ctx.segmentFileLength(3 * 1024 * 1024)),
        SYNCED_WITHOUT_FSYNC("archiveFileSyncLevel",
            (ctx) -> ctx.durability(Durability.SYNCED).archiveFileSyncLevel(0)),
        MTU_NOT_FRAME_ALIGNED("mtu|MTU", (ctx) -> ctx.mtuLength(1000)),
        MTU_ABOVE_AERON_MAXIMUM("mtu|MTU", (ctx) -> ctx.mtuLength(128 * 1024)),
        CHECKPOINT_LOG_BYTES_ZERO("checkpointLogBytes", (ctx) -> ctx.checkpointLogBytes(0)),
        NEGATIVE_BACK_PRESSURE_TIMEOUT("backPressureTimeoutNs", (ctx) -> ctx.backPressureTimeoutNs(-1)),
        NEGATIVE_DURABLE_TIMEOUT("durableTimeoutNs", (ctx) -> ctx.durableTimeoutNs(-1)),
        ZERO_RECOVERY_TIMEOUT("recoveryTimeoutNs", (ctx) -> ctx.recoveryTimeoutNs(0)),
        LOW_STORAGE("storage", (ctx) -> ctx.lowStorageThreshold(Long.MAX_VALUE / 4));

        /**
         * The setting's name as the user set it (case-sensitive), or alternatives separated by '|'.
         */
        final String name;
        final Consumer<DurableStoreContext> setting;

        BadSetting(final String name, final Consumer<DurableStoreContext> setting)
        {
            this.name = name;
            this.setting = setting;
        }
    }

    @ParameterizedTest
    @EnumSource(BadSetting.class)
    void shouldRefuseABadSettingNamingItAndWriteNothing(final BadSetting bad)
    {
        final File dir = new File(root, "missing");
        final DurableStoreContext ctx = new DurableStoreContext().storeContext(new StoreContext().dir(dir).keyLength(8)
            .maxValueLength(64).capacity(1000)).errorHandler(errors::add);
        RuntimeException refusal;
        try
        {
            bad.setting.accept(ctx);
            refusal = refusedOpen(ctx, bad + " was accepted");
        }
        catch (final IllegalArgumentException refusedBySetter)
        {
            refusal = refusedBySetter; // the store's settings are checked as they are set
        }
        assertTrue(Stream.of(bad.name.split("\\|")).anyMatch(refusal.getMessage()::contains),
            "refusal must name the setting " + bad.name + ": " + refusal);
        assertFalse(dir.exists(), "a refused open wrote " + list(dir) + ": " + refusal);
    }

    @Test
    void shouldRefuseSettingsContradictingTheStoreAndLeaveEveryFileUnchanged() throws IOException
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        final Map<String, String> before = contents(store);
        store.close();
        final Map<String, String> files = fileDigests(dir);

        final String[] names = { "keyLength", "maxValueLength", "capacity" };
        final DurableStoreContext[] contexts = {
            context(dir, 16, 64), context(dir, 8, 65), context(dir, 8, 64, 2000) };
        for (int i = 0; i < names.length; i++)
        {
            final RuntimeException refusal = refusedOpen(contexts[i], "contradicting " + names[i] + " accepted");
            assertTrue(refusal.getMessage().contains(names[i]), "refusal must name " + names[i] + ": " + refusal);
            assertEquals(files, fileDigests(dir), "a refused open changed files: " + refusal);
        }
        final DurableStore reopened = openLongKeys(dir, 64);
        try
        {
            assertEquals(before, contents(reopened));
            assertEquals(0, reopened.recovery().replayedMessages());
        }
        finally
        {
            reopened.close();
        }
    }

    @Test
    void shouldRefuseToOpenAPlainStateStoreDirectoryAsADurableStoreAndWriteNothing()
    {
        final File dir = new File(root, "plain");
        try (StateStore plain = StateStore.open(new StoreContext().dir(dir).keyLength(8).maxValueLength(64)
            .capacity(1000).errorHandler(errors::add)))
        {
            for (long k = 0; k < 100; k++)
            {
                value.putLong(0, k * 7);
                plain.put(k, value, 0, 8);
            }
        }
        final RuntimeException refusal = refusedOpen(context(dir, 8, 64), "a plain StateStore's directory " +
            "opened as a DurableStore");
        assertFalse(new File(dir, "archive").exists(), "a refused open created the archive: " + refusal);
        try (StateStore plain = StateStore.open(new StoreContext().dir(dir).errorHandler(errors::add)))
        {
            assertEquals(100, plain.size(), "the plain store changed: " + refusal);
        }
    }

    @Test
    void shouldRefuseToOpenADurableStoreDirectoryAsAPlainStateStore()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        final Map<String, String> before = contents(store);
        store.close();
        final StateStore plain;
        try
        {
            plain = StateStore.open(new StoreContext().dir(dir).errorHandler(errors::add));
        }
        catch (final RuntimeException expected)
        {
            final DurableStore reopened = openLongKeys(dir, 64);
            try
            {
                assertEquals(before, contents(reopened), "refused, but the durable store changed: " + expected);
            }
            finally
            {
                reopened.close();
            }
            return;
        }
        final int size = plain.size();
        plain.closeWithoutCheckpoint();
        fail("a DurableStore's directory opened without complaint as a plain StateStore (size=" + size +
            "); a write through it breaks the next durable open");
    }

    @Test
    void shouldRefuseASecondOpenOfAnOpenStoreAndKeepTheFirstWorking()
    {
        final File dir = new File(root, "store");
        final DurableStore store = openLongKeys(dir, 64);
        final RuntimeException refusal = refusedOpen(context(dir, 8, 64), "a second open of an open store");
        assertTrue(refusal.getMessage().contains("already open"), refusal.toString());
        // The first store goes on: its next put lands one message on, and a reopen shows the same contents.
        assertReopenShowsNothingOfIt(store, dir, (d) -> openLongKeys(d, 64));
    }

    @Test
    void shouldWriteNothingWhenAStateStoreOpenWithCreateIfMissingFalseRefuses()
    {
        final File dir = new File(root, "missing");
        final RuntimeException refusal = assertThrows(RuntimeException.class, () -> StateStore.open(
            new StoreContext().dir(dir).createIfMissing(false).errorHandler(errors::add)));
        assertTrue(refusal.getMessage().contains("createIfMissing"), refusal.toString());
        assertFalse(dir.exists(), "a refused open wrote " + list(dir) + ": " + refusal);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private DurableStoreContext context(final File dir, final int keyLength, final int maxValueLength)
    {
        return context(dir, keyLength, maxValueLength, 1000);
    }

    private DurableStoreContext context(
        final File dir, final int keyLength, final int maxValueLength, final int capacity)
    {
        return new DurableStoreContext()
            .storeContext(new StoreContext().dir(dir).keyLength(keyLength).maxValueLength(maxValueLength)
                .capacity(capacity))
            .errorHandler(errors::add);
    }

    /**
     * Open a long-key store holding keys 0..99 and measure one message of a put of an 8-byte value.
     */
    private DurableStore openLongKeys(final File dir, final int maxValueLength)
    {
        final boolean fresh = !dir.exists();
        final DurableStore store = DurableStore.open(context(dir, 8, maxValueLength));
        if (fresh)
        {
            for (long k = 0; k < 100; k++)
            {
                value.putLong(0, k * 31 + 7);
                store.put(k, value, 0, 8, Durability.RECORDED);
            }
        }
        value.putLong(0, 424242L);
        final long first = store.put(999L, value, 0, 8, Durability.RECORDED);
        oneMessage = store.put(999L, value, 0, 8, Durability.RECORDED) - first;
        probeContents = contents(store);
        probeSequence = store.sequence();
        return store;
    }

    private DurableStore openByteKeys(final File dir, final int maxValueLength)
    {
        final boolean fresh = !dir.exists();
        final DurableStore store = DurableStore.open(context(dir, KEY_LENGTH, maxValueLength));
        if (fresh)
        {
            for (int k = 0; k < 100; k++)
            {
                value.putLong(0, k * 31L + 7);
                store.put(byteKey(k), 0, value, 0, 8, Durability.RECORDED);
            }
        }
        value.putLong(0, 424242L);
        final long first = store.put(byteKey(999), 0, value, 0, 8, Durability.RECORDED);
        oneMessage = store.put(byteKey(999), 0, value, 0, 8, Durability.RECORDED) - first;
        probeContents = contents(store);
        probeSequence = store.sequence();
        return store;
    }

    private UnsafeBuffer byteKey(final int k)
    {
        key.setMemory(0, KEY_LENGTH, (byte)0x11);
        key.putInt(0, k);
        return key;
    }

    private static byte[] longKey(final long k)
    {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, k).array();
    }

    /**
     * The call must be refused with an exception naming one of the names, and change nothing.
     */
    private void assertRefused(final DurableStore store, final Executable call, final String... names)
    {
        final Map<String, String> before = contents(store);
        final int size = store.size();
        final long position = store.position();
        final long sequence = store.sequence();
        final String what = "refusal naming " + String.join(" or ", names);
        final RuntimeException thrown = assertThrows(RuntimeException.class, call, what + " expected");
        assertTrue(thrown instanceof IllegalArgumentException || thrown instanceof NullPointerException ||
            thrown instanceof IllegalStateException, "a misuse error expected: " + thrown);
        final String message = thrown.getMessage();
        assertNotNull(message, "refusal without a message: " + thrown);
        assertFalse(message.contains("because \""), "a bare JDK NullPointerException, not a check that names " +
            "the argument: " + thrown);
        assertTrue(Stream.of(names).anyMatch(message::contains), what + ": " + thrown);
        assertEquals(size, store.size(), "refused call changed the size: " + thrown);
        assertEquals(position, store.position(), "refused call moved the position: " + thrown);
        assertEquals(sequence, store.sequence(), "refused call took a sequence: " + thrown);
        assertEquals(before, contents(store), "refused call changed entries: " + thrown);
    }

    /**
     * A put after the probes works, and a reopen that replays the log shows exactly the contents and sequence from
     * before the probes: nothing of them was published as a change.
     */
    private void assertReopenShowsNothingOfIt(
        final DurableStore store, final File dir, final Function<File, DurableStore> opener)
    {
        final Map<String, String> contents = probeContents;
        final long sequence = probeSequence;
        final long before = store.position();
        final boolean longKeys = 8 == store.storeView().keyLength();
        value.putLong(0, 424242L);
        final long after = longKeys ? store.put(999L, value, 0, 8, Durability.RECORDED) :
            store.put(byteKey(999), 0, value, 0, 8, Durability.RECORDED);
        assertTrue(after > before, "the next put did not advance the position");
        store.closeWithoutCheckpoint();
        final DurableStore reopened = opener.apply(dir);
        try
        {
            // This put and the opener's two measuring puts are of key 999 with the same value: no change of contents.
            assertEquals(sequence + 3, reopened.sequence(), "replayed sequence (errors=" + errors + ")");
            assertEquals(contents, contents(reopened), "reopen shows a refused call (errors=" + errors + ")");
            assertTrue(errors.isEmpty(), "errors reported: " + errors);
        }
        finally
        {
            reopened.close();
        }
    }

    private RuntimeException refusedOpen(final DurableStoreContext ctx, final String what)
    {
        final DurableStore opened;
        try
        {
            opened = DurableStore.open(ctx);
        }
        catch (final RuntimeException expected)
        {
            assertNotNull(expected.getMessage(), expected.toString());
            return expected;
        }
        final int size = opened.size();
        opened.close();
        throw new AssertionError(what + ": the open succeeded (size=" + size + ")");
    }

    private static Map<String, String> contents(final DurableStore store)
    {
        final Map<String, String> contents = new TreeMap<>();
        store.forEach((k, v) -> contents.put(hex(k, k.capacity()), hex(v, v.capacity())));
        return contents;
    }

    private static String hex(final DirectBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return hex(bytes);
    }

    private static String hex(final byte[] bytes)
    {
        final StringBuilder text = new StringBuilder();
        for (final byte b : bytes)
        {
            text.append(String.format("%02x", b & 0xFF));
        }
        return text.toString();
    }

    private static Map<String, String> fileDigests(final File dir) throws IOException
    {
        final Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir.toPath()))
        {
            for (final Path path : (Iterable<Path>)paths::iterator)
            {
                final String name = path.getFileName().toString();
                if (Files.isRegularFile(path) && !name.equals("tidemark.lock") && !name.endsWith("mark.dat"))
                {
                    digests.put(dir.toPath().relativize(path).toString(),
                        Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(path))));
                }
            }
        }
        return digests;
    }

    private static String list(final File dir)
    {
        if (!dir.exists())
        {
            return "nothing";
        }
        try (Stream<Path> paths = Files.walk(dir.toPath()))
        {
            return paths.map((path) -> dir.toPath().relativize(path).toString()).toList().toString();
        }
        catch (final IOException ex)
        {
            return dir + " (unlistable: " + ex + ")";
        }
    }
    @Test
    void shouldRefuseABatchBuiltForAnotherKeyLengthWithNothingAppliedOrPublished()
    {
        try (StateStore foreign = StateStore.open(
            new StoreContext().dir(new File(root, "foreign")).keyLength(16)
                .maxValueLength(16).capacity(100)))
        {
            final StoreBatch batch = foreign.newBatch();
            final UnsafeBuffer key = new UnsafeBuffer(new byte[16]);
            final UnsafeBuffer value = new UnsafeBuffer(new byte[8]);
            key.putLong(0, 5);
            batch.put(key, 0, value, 0, 8);
            key.putLong(0, 2);
            batch.remove(key, 0);
            try (DurableStore store = openLongKeys(new File(root, "store"), 64))
            {
                final long position = store.position();
                final long sequence = store.sequence();
                final int size = store.size();
                final RuntimeException refusal = assertThrows(RuntimeException.class, () -> store.apply(batch));
                assertTrue(refusal.getMessage().contains("keyLength"), refusal.getMessage());
                assertEquals(position, store.position(), "nothing published");
                assertEquals(sequence, store.sequence(), "nothing applied");
                assertEquals(size, store.size());
            }
        }
    }
}
