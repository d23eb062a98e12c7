/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

/**
 * Named points inside checkpoint and recovery where a crash test can make the process halt itself, as a
 * {@code kill -9} would, with no shutdown hooks and no flushing. Off unless the system property
 * {@value #PROPERTY_NAME} names a point; the check is a comparison against a constant the JIT folds away.
 */
public final class KillPoints
{
    /**
     * System property naming the point at which to halt.
     */
    public static final String PROPERTY_NAME = "tidemark.killPoint";

    /**
     * Exit status of a halt at a kill point.
     */
    public static final int HALT_STATUS = 137;

    /**
     * Checkpoint: pages copied and the log durable, slot not yet forced.
     */
    public static final String CHECKPOINT_BEFORE_DATA_FORCE = "checkpoint.beforeDataForce";

    /**
     * Checkpoint: slot forced, header record not yet written.
     */
    public static final String CHECKPOINT_AFTER_DATA_FORCE = "checkpoint.afterDataForce";

    /**
     * Checkpoint: first header copy written, not yet forced.
     */
    public static final String CHECKPOINT_AFTER_HEADER_WRITE = "checkpoint.afterHeaderWrite";

    /**
     * Checkpoint: both header copies written and forced.
     */
    public static final String CHECKPOINT_AFTER_HEADER_FORCE = "checkpoint.afterHeaderForce";

    /**
     * Open: the slot is verified and copied into the live region.
     */
    public static final String OPEN_AFTER_SLOT_MAP = "recovery.afterSlotMap";

    /**
     * Recovery: halfway through replaying the log.
     */
    public static final String RECOVERY_MID_REPLAY = "recovery.midReplay";

    /**
     * Recovery: log replayed, recording not yet extended.
     */
    public static final String RECOVERY_BEFORE_RESUME = "recovery.beforeResume";

    private static final String ARMED = System.getProperty(PROPERTY_NAME);

    private KillPoints()
    {
    }

    /**
     * Halt the JVM if this is the armed point.
     *
     * @param point name of the point reached.
     */
    public static void reach(final String point)
    {
        if (null != ARMED && ARMED.equals(point))
        {
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
