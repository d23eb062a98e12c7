/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.store;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/**
 * Offline tool for a store directory: describe it, verify both snapshot slots, reset it, or rebuild a lost
 * {@code header.dat} from the copies the slot files keep (see {@link SlotDescriptor}).
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp tidemark-store.jar:agrona.jar \
 *     dev.tidemark.store.StoreTool (describe | verify | reset | restore-header) &lt;dir&gt;
 * </pre>
 * Each command takes the store's lock, so it refuses to run while the store is open.
 */
public final class StoreTool
{
    /**
     * How to discard a store that cannot be opened; quoted in the refusals of open.
     */
    public static final String RESET_HINT = "To discard the store and start empty (its state is lost; a log it was " +
        "fed from must be replayed into the new store): java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED " +
        "-cp <classpath> dev.tidemark.store.StoreTool reset <dir>";

    /**
     * How to rebuild a lost header from the copies the slot files keep; quoted in the refusal of open.
     */
    public static final String RESTORE_HEADER_HINT = "To rebuild header.dat from them (each slot's record from its " +
        "own file; the next open verifies both slots as usual): java --add-exports " +
        "java.base/jdk.internal.misc=ALL-UNNAMED -cp <classpath> dev.tidemark.store.StoreTool restore-header <dir>.";

    private StoreTool()
    {
    }

    /**
     * Run a command.
     *
     * @param args command and directory.
     */
    public static void main(final String[] args)
    {
        if (args.length != 2)
        {
            System.err.println("usage: StoreTool (describe | verify | reset | restore-header) <dir>");
            System.exit(2);
        }
        final int status = run(args[0], new File(args[1]), System.out);
        System.exit(status);
    }

    /**
     * Run a command, printing to {@code out}.
     *
     * @param command describe, verify, reset or restore-header.
     * @param dir     the store directory.
     * @param out     where to print.
     * @return 0 on success, 1 if the store is not valid (verify) or the command failed.
     */
    public static int run(final String command, final File dir, final PrintStream out)
    {
        if (!dir.isDirectory())
        {
            out.println("not a directory: " + dir);
            return 1;
        }
        try (StoreDirectory directory = StoreDirectory.lock(dir, false))
        {
            switch (command)
            {
                case "describe":
                    return describe(directory, out, false);
                case "verify":
                    return describe(directory, out, true);
                case "reset":
                    return reset(directory, out);
                case "restore-header":
                    return restoreHeader(directory, out);
                default:
                    out.println("unknown command: " + command);
                    return 2;
            }
        }
        catch (final RuntimeException ex)
        {
            out.println(command + " failed: " + ex.getMessage());
            return 1;
        }
    }

    private static int describe(final StoreDirectory directory, final PrintStream out, final boolean verify)
    {
        try (HeaderFile header = HeaderFile.open(directory.headerFile()))
        {
            out.println("store: " + directory.dir());
            out.println("header: generation=" + header.generation() + " " + header.geometry());
            for (int copy = 0; copy < 2; copy++)
            {
                out.println("header copy " + copy + ": " +
                    (null == header.copyProblem(copy) ? "valid" : header.copyProblem(copy)));
            }
            int valid = 0;
            final PageChecksum checksum = new PageChecksum();
            for (int slot = 0; slot < 2; slot++)
            {
                final SlotRecord record = header.record(slot);
                out.println("slot " + SlotDescriptor.slotName(slot) + ": " + record);
                if (verify)
                {
                    final String[] problem = new String[1];
                    try (SnapshotSlot snapshot = SnapshotSlot.openOrExplain(
                        directory.slotFile(slot), slot, header.geometry(), problem))
                    {
                        final String result = null == snapshot ? problem[0] : snapshot.verify(record, checksum);
                        out.println("slot " + SlotDescriptor.slotName(slot) + " verify: " +
                            (null == result ? "valid" : result));
                        valid += null == result ? 1 : 0;
                    }
                }
            }
            if (verify)
            {
                out.println(0 == valid ? "no valid slot: the store cannot be opened" : valid + " valid slot(s)");
                return 0 == valid ? 1 : 0;
            }
            return 0;
        }
    }

    private static int restoreHeader(final StoreDirectory directory, final PrintStream out)
    {
        final File headerFile = directory.headerFile();
        if (headerFile.exists())
        {
            out.println("header.dat exists, nothing to restore: file=" + headerFile + " (move it aside first if it " +
                "is damaged; open already uses whichever of its two copies is valid)");
            return 1;
        }
        final HeaderFile[] copies = new HeaderFile[2];
        final String[] problems = new String[2];
        for (int slot = 0; slot < 2; slot++)
        {
            final File slotFile = directory.slotFile(slot);
            final String[] problem = new String[1];
            final ByteBuffer bytes = SnapshotSlot.readHeaderCopy(slotFile, slot, problem);
            HeaderFile copy = null == bytes ? null : HeaderFile.decodeCopy(slotFile, bytes, problem);
            if (null != copy)
            {
                try (SnapshotSlot mapped = SnapshotSlot.openOrExplain(slotFile, slot, copy.geometry(), problem))
                {
                    copy = null == mapped ? null : copy;
                }
            }
            copies[slot] = copy;
            problems[slot] = problem[0];
        }
        if (null == copies[0] && null == copies[1])
        {
            out.println("no valid header copy in the slot files, header.dat cannot be restored: slot A: " +
                problems[0] + "; slot B: " + problems[1]);
            return 1;
        }
        final StoreGeometry geometry = (null != copies[0] ? copies[0] : copies[1]).geometry();
        if (null != copies[0] && null != copies[1] && !geometry.toString().equals(copies[1].geometry().toString()))
        {
            out.println("the slot files' header copies describe different stores, header.dat not restored: slot A: " +
                geometry + "; slot B: " + copies[1].geometry());
            return 1;
        }

        final SlotRecord[] records = { new SlotRecord(), new SlotRecord() };
        long generation = 0;
        for (int slot = 0; slot < 2; slot++)
        {
            // Each slot's record from its own file, which its last commit wrote; else what the other slot knew.
            records[slot].set((null != copies[slot] ? copies[slot] : copies[1 - slot]).record(slot));
            if (null != copies[slot])
            {
                generation = Math.max(generation, copies[slot].generation());
            }
        }
        final File temp = directory.headerRestoreFile();
        try
        {
            HeaderFile.image(temp, geometry, generation, records[0], records[1]).writeNewFile(temp);
            Files.move(temp.toPath(), headerFile.toPath(), StandardCopyOption.ATOMIC_MOVE);
            directory.fsync();
        }
        catch (final IOException ex)
        {
            out.println("restore-header failed: " + ex);
            return 1;
        }
        out.println("header.dat restored from the copies in the slot files: generation=" + generation + " " +
            geometry);
        for (int slot = 0; slot < 2; slot++)
        {
            out.println("slot " + SlotDescriptor.slotName(slot) + " record from slot " +
                SlotDescriptor.slotName(null != copies[slot] ? slot : 1 - slot) + "'s copy" +
                (null != copies[slot] ? "" : " (its own unusable: " + problems[slot] + ")") + ": " + records[slot]);
        }
        return describe(directory, out, true);
    }

    private static int reset(final StoreDirectory directory, final PrintStream out)
    {
        final File[] files = {
            directory.headerFile(), directory.headerRestoreFile(), directory.slotFile(0), directory.slotFile(1),
            new File(directory.slotFile(0).getPath() + ".bad"), new File(directory.slotFile(1).getPath() + ".bad"),
            directory.liveFile() };
        try
        {
            // The creation marker first, the header next: a reset cut short leaves an unfinished creation, which the
            // next open completes, never a store without its header, which it refuses.
            Files.write(directory.headerTempFile().toPath(), new byte[0]);
            directory.fsync();
            for (final File file : files)
            {
                if (Files.deleteIfExists(file.toPath()))
                {
                    out.println("deleted " + file);
                }
            }
            directory.fsync();
            Files.deleteIfExists(directory.headerTempFile().toPath());
            directory.fsync();
            out.println("store reset: the next open creates an empty store in " + directory.dir());
            return 0;
        }
        catch (final IOException ex)
        {
            out.println("reset failed: " + ex);
            return 1;
        }
    }
}
