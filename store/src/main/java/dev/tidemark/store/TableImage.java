/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The store's table region page by page, for moving a whole state between stores of the same geometry without
 * decoding entries: a snapshot streams {@link #page(int) pages} out (each with its {@link #pageCrc(int) CRC32C}),
 * and a fresh store {@link #beginLoad() loads} them back in, checking each page's CRC as it lands. The table layout
 * is {@link TableDescriptor}'s, so an image is only meaningful to a store whose key length, max value length,
 * capacity and page size are the same ({@link #sameGeometry}).
 * <p>
 * Writer thread only, like the store. Reading pages changes nothing. Loading is for a store that holds nothing yet and
 * has not admitted readers ({@link StoreContext#admitReadersOnOpen(boolean)} off): the table is rebuilt under their
 * NOT_READY status, then {@link #endLoad()} counts the entries, publishes the size and leaves admitting to the caller
 * ({@link StateStore#admitReaders()}). Loaded pages are marked dirty, so the next checkpoint copies them.
 */
public final class TableImage
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final StateStore store;
    private final StoreGeometry geometry;
    private final UnsafeBuffer live;
    private final ByteBuffer liveView;
    private final UnsafeBuffer pageView = new UnsafeBuffer(0, 0);
    private final PageChecksum checksum = new PageChecksum();
    private final int pageSize;
    private boolean loading;

    /**
     * The image of a store's table.
     *
     * @param store an open store; used on its writer thread.
     */
    public TableImage(final StateStore store)
    {
        ArgumentChecks.checkNotNull(store, "store");
        store.checkRead();
        this.store = store;
        this.geometry = store.geometry;
        this.live = store.live;
        this.liveView = live.byteBuffer().duplicate();
        this.pageSize = geometry.pageSize;
    }

    /**
     * @return bytes per page.
     */
    public int pageSize()
    {
        return pageSize;
    }

    /**
     * @return pages in the table region.
     */
    public int pageCount()
    {
        return geometry.pageCount;
    }

    /**
     * @return bytes in the table region (page count x page size).
     */
    public long regionLength()
    {
        return geometry.regionLength;
    }

    /**
     * Would an image of these settings fit this store page for page?
     *
     * @param keyLength      key length of the image's store.
     * @param maxValueLength max value length of the image's store.
     * @param capacity       capacity of the image's store.
     * @param pageSize       page size of the image's store.
     * @return null if they match, else what differs (allocates only then).
     */
    public String sameGeometry(final int keyLength, final int maxValueLength, final int capacity, final int pageSize)
    {
        if (keyLength != geometry.keyLength || maxValueLength != geometry.maxValueLength ||
            capacity != geometry.capacity || pageSize != geometry.pageSize)
        {
            return "image keyLength=" + keyLength + " maxValueLength=" + maxValueLength + " capacity=" + capacity +
                " pageSize=" + pageSize + " but this store has keyLength=" + geometry.keyLength + " maxValueLength=" +
                geometry.maxValueLength + " capacity=" + geometry.capacity + " pageSize=" + geometry.pageSize;
        }
        return null;
    }

    /**
     * A view of one page of the live table region; valid until the next call, and only while nothing writes.
     *
     * @param page index in [0, page count).
     * @return the page's bytes.
     */
    public DirectBuffer page(final int page)
    {
        checkPage(page);
        store.checkRead();
        pageView.wrap(live, page * pageSize, pageSize);
        return pageView;
    }

    /**
     * @param page index in [0, page count).
     * @return true if every byte of the page is zero: no entry starts or ends on it, nothing to send.
     */
    public boolean isZeroPage(final int page)
    {
        checkPage(page);
        store.checkRead();
        final int from = page * pageSize;
        for (int at = from, end = from + pageSize; at < end; at += Long.BYTES)
        {
            if (0 != live.getLong(at, ORDER))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param page index in [0, page count).
     * @return the CRC32C of the page, as a snapshot slot's page CRC table holds it.
     */
    public int pageCrc(final int page)
    {
        checkPage(page);
        store.checkRead();
        return checksum.compute(liveView, page * pageSize, pageSize);
    }

    /**
     * Start rebuilding the table from an image.
     *
     * @throws IllegalStateException if the store holds entries, has admitted readers, or is already loading.
     */
    public void beginLoad()
    {
        store.checkWritable();
        if (loading)
        {
            throw new IllegalStateException("image load already begun: dir=" + store.dir());
        }
        if (0 != store.size)
        {
            throw new IllegalStateException("an image loads only into an empty store: size=" + store.size +
                " dir=" + store.dir());
        }
        if (ReaderBlockDescriptor.NOT_READY != ReaderBlockDescriptor.state(store.readerStamps.status()))
        {
            throw new IllegalStateException("an image loads only before readers are admitted: dir=" + store.dir());
        }
        loading = true;
    }

    /**
     * Copy one page of an image into the table and check its CRC there. Pages not loaded stay zero.
     *
     * @param page   index in [0, page count).
     * @param source buffer holding the page's {@link #pageSize()} bytes.
     * @param offset of the page in {@code source}.
     * @param crc    the page's CRC32C as the image's sender computed it.
     * @throws IllegalStateException if no load has begun.
     * @throws TidemarkException     if the bytes do not match the CRC (the page is zeroed again).
     */
    public void loadPage(final int page, final DirectBuffer source, final int offset, final int crc)
    {
        store.checkWritable();
        checkPage(page);
        if (!loading)
        {
            throw new IllegalStateException("loadPage before beginLoad: page=" + page);
        }
        final int at = page * pageSize;
        store.tracker.beforeWrite(at, pageSize);
        live.putBytes(at, source, offset, pageSize);
        final int computed = checksum.compute(liveView, at, pageSize);
        if (computed != crc)
        {
            live.setMemory(at, pageSize, (byte)0);
            throw new TidemarkException(TidemarkException.Category.FATAL, "image page=" + page +
                " fails its CRC: stored=0x" + Integer.toHexString(crc) + " computed=0x" +
                Integer.toHexString(computed) + "; the image is damaged and was not loaded whole");
        }
    }

    /**
     * Finish the load: count the entries the loaded pages hold and make them the store's size.
     *
     * @return the entry count.
     * @throws IllegalStateException if no load has begun.
     * @throws TidemarkException     if an entry's value length is out of range (not a table of this geometry).
     */
    public int endLoad()
    {
        store.checkWritable();
        if (!loading)
        {
            throw new IllegalStateException("endLoad before beginLoad");
        }
        loading = false;
        final HashTable table = store.table;
        final int entryLength = table.entryLength();
        int count = 0;
        for (int bucket = 0, buckets = table.bucketCount(); bucket < buckets; bucket++)
        {
            final int offset = bucket * entryLength;
            if (0 != table.tagAt(offset))
            {
                final int valueLength = table.valueLength(offset);
                if (valueLength < 0 || valueLength > geometry.maxValueLength)
                {
                    throw new TidemarkException(TidemarkException.Category.FATAL, "image entry at bucket=" + bucket +
                        " has valueLength=" + valueLength + " outside [0, " + geometry.maxValueLength +
                        "]: not a table of this geometry");
                }
                count++;
            }
        }
        if (count > geometry.capacity)
        {
            throw new TidemarkException(TidemarkException.Category.FATAL, "image holds " + count +
                " entries, more than capacity=" + geometry.capacity);
        }
        store.size = count;
        store.readerStamps.sizeDelta(count);
        return count;
    }

    private void checkPage(final int page)
    {
        if (page < 0 || page >= geometry.pageCount)
        {
            throw new IllegalArgumentException("page out of range: page=" + page + " pageCount=" + geometry.pageCount);
        }
    }
}
