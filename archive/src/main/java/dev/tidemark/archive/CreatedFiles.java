/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.archive;

import dev.tidemark.store.StoreDirectories;

import java.io.File;
import java.util.HashSet;
import java.util.Set;

/**
 * What a store directory held before an open that may create a store, so that a create that fails (low storage, a
 * driver that does not start) leaves nothing of its own behind. Only a directory that held no store header before
 * counts as a create; an existing store is never touched.
 */
final class CreatedFiles
{
    private static final String HEADER_FILE_NAME = "header.dat";

    private final File dir;
    private final boolean dirExisted;
    private final boolean creating;
    private final Set<String> before = new HashSet<>();

    private CreatedFiles(final File dir)
    {
        this.dir = dir;
        this.dirExisted = dir.exists();
        final String[] names = dir.list();
        if (null != names)
        {
            before.addAll(java.util.Arrays.asList(names));
        }
        this.creating = !before.contains(HEADER_FILE_NAME);
    }

    static CreatedFiles before(final File dir)
    {
        return new CreatedFiles(dir);
    }

    /**
     * After a failed open that was creating the store: remove the files and directories it created.
     *
     * @param cause the open's failure, which gets any problem removing them as a suppressed exception.
     */
    void removeAfterFailedCreate(final Throwable cause)
    {
        if (!creating)
        {
            return;
        }
        // Under the store directory's lock, taken again, and the lock file last: see StoreDirectories.
        StoreDirectories.removeUnderLock(dir, before, !dirExisted, cause::addSuppressed);
    }
}
