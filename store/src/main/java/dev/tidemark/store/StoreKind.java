/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * What feeds a store, fixed at creation and kept in its header (see {@link StoreHeaderDescriptor#KIND_OFFSET}):
 * an open as the other kind is refused, because the two keep different promises about what lies beyond the last
 * checkpoint. A write made through a plain open of a durable store never reaches its change log, so the log's next
 * replay would meet a state it does not lead to.
 */
public enum StoreKind
{
    /**
     * A store used on its own: a crash returns it to its last committed checkpoint.
     */
    PLAIN(1),

    /**
     * A store fed from a change log (the archive module's DurableStore): every mutation is first a message in the
     * log, and an open replays the log from the restored checkpoint's position.
     */
    DURABLE(2);

    private final int code;

    StoreKind(final int code)
    {
        this.code = code;
    }

    /**
     * The code kept in the header.
     *
     * @return the code.
     */
    public int code()
    {
        return code;
    }

    /**
     * The kind of a header code.
     *
     * @param code as kept in the header.
     * @return the kind, or null for a code no kind has.
     */
    public static StoreKind fromCode(final int code)
    {
        switch (code)
        {
            case 1:
                return PLAIN;
            case 2:
                return DURABLE;
            default:
                return null;
        }
    }
}
