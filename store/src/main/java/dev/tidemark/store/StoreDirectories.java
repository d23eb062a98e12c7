/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Removing what a failed create left in a store directory, for a store built on this one (the durable store) whose
 * own open failed after the mapped store had been created and closed again.
 * <p>
 * The removal takes the directory's lock again first, and unlinks the lock file last, while it still holds it: an
 * opener that found the old lock file and locks it after this lets go sees that the name no longer leads to the file
 * it locked and tries again ({@link StoreDirectory#lock}), so no two openers ever hold locks on two files of one name.
 * If another opener holds the directory by then, nothing is removed: its files are its own.
 */
public final class StoreDirectories
{
    private StoreDirectories()
    {
    }

    /**
     * Remove every entry of {@code dir} but those in {@code keep}, under the directory's lock, then the directory
     * itself if asked and empty.
     *
     * @param dir             the store directory.
     * @param keep            names that were there before the failed create.
     * @param removeDirectory true if the create made the directory itself.
     * @param problems        told of each entry that could not be removed.
     * @return true if the lock was taken and the removal done, false if another opener holds the directory.
     */
    public static boolean removeUnderLock(
        final File dir, final Set<String> keep, final boolean removeDirectory, final Consumer<Throwable> problems)
    {
        final StoreDirectory directory;
        try
        {
            directory = StoreDirectory.lock(dir, false);
        }
        catch (final IllegalStateException | TidemarkException ex)
        {
            return false;
        }
        final File lockFile = new File(dir, StoreDirectory.LOCK_FILE_NAME);
        try
        {
            final String[] names = dir.list();
            for (final String name : null == names ? new String[0] : names)
            {
                if (!keep.contains(name) && !StoreDirectory.LOCK_FILE_NAME.equals(name))
                {
                    delete(new File(dir, name).toPath(), problems);
                }
            }
            if (!keep.contains(StoreDirectory.LOCK_FILE_NAME))
            {
                synchronized (JvmFileLocks.MONITOR)
                {
                    delete(lockFile.toPath(), problems);
                }
            }
        }
        finally
        {
            directory.close();
        }
        if (removeDirectory && !dir.delete() && dir.exists())
        {
            final String[] left = dir.list();
            if (null != left && 0 == left.length)
            {
                problems.accept(new IOException("could not remove the directory a failed create made: " + dir));
            }
        }
        return true;
    }

    private static void delete(final Path path, final Consumer<Throwable> problems)
    {
        try (Stream<Path> walk = Files.walk(path))
        {
            walk.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
        }
        catch (final IOException | RuntimeException ex)
        {
            problems.accept(ex);
        }
    }
}
