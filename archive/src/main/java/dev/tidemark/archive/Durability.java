/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

/**
 * When a write returns: what must hold first, and so what the write survives.
 */
public enum Durability
{
    /**
     * Return once the change is published and applied. A crash of any kind may lose the tail not yet recorded; what
     * is recovered is still a prefix of what was written, with no holes.
     */
    NONE,

    /**
     * Return once the archive's recording position has passed the change: the recorder has written it to the page
     * cache. Survives a crash of this process (and of the archive's, when it is separate), not an OS crash or a power
     * loss.
     */
    RECORDED,

    /**
     * Return once the archive has recorded the change and synced the recording to storage (archive
     * {@code fileSyncLevel >= 1}, so its recording position only advances after fdatasync). Survives power loss.
     */
    SYNCED
}
