/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What every benchmark shares: the random key sequence and scratch directories.
 */
final class BenchmarkSupport
{
    static final int KEY_SEQUENCE_LENGTH = 1 << 20;

    private BenchmarkSupport()
    {
    }

    /**
     * A fixed sequence of random keys in [0, entries), walked with a mask so the next key costs one load.
     */
    static long[] randomKeys(final int entries, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] keys = new long[KEY_SEQUENCE_LENGTH];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = random.nextInt(entries);
        }
        return keys;
    }

    static File newDirectory(final String name) throws IOException
    {
        final String base = System.getProperty("tidemark.bench.dir", System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(new File(base).toPath(), "tidemark-" + name).toFile();
    }

    static void delete(final File dir) throws IOException
    {
        if (null == dir || !dir.exists())
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir.toPath()))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
