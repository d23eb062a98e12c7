/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Whole directory trees, as the demo and the crash harness handle them: delete one, and measure one (regular files
 * only) to see whether a store grew.
 */
final class Directories
{
    private Directories()
    {
    }

    /**
     * Delete a tree, deepest first; nothing to do when it does not exist.
     */
    static void delete(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
    }

    static long bytes(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return paths.filter(Files::isRegularFile).mapToLong((path) -> path.toFile().length()).sum();
        }
    }

    static int files(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return (int)paths.filter(Files::isRegularFile).count();
        }
    }
}
