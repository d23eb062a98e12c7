/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.harness;

import dev.tidemark.archive.Durability;
import dev.tidemark.harness.CrashHarness.Result;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.tidemark.harness.CrashRun.MINUTE_NS;
import static dev.tidemark.harness.CrashRun.park;
import static dev.tidemark.harness.CrashRun.shorten;

/**
 * The corruption scenario: each round kills a writer, damages the stopped store's files one way ({@link Corruptor},
 * every kind in turn), and checks that the next open does what the damage allows: restore, fall back to the older
 * slot, cut a damaged last message, or refuse. A store that no longer follows the model is replaced by a new one.
 */
final class CorruptionScenario
{
    private final CrashRun crashRun;
    private final int cycles;
    private final Durability level;
    private final Random random;

    CorruptionScenario(final CrashRun crashRun)
    {
        this.crashRun = crashRun;
        this.cycles = crashRun.cycles;
        this.level = crashRun.level;
        this.random = crashRun.random;
    }

    void run(final Result result) throws Exception
    {
        final String[] kinds = Corruptor.KINDS;
        Lineage lineage = crashRun.lineage("corruption", level, null);
        final int rounds = Math.max(kinds.length, cycles / 3);
        for (int i = 0; i < rounds; i++)
        {
            final String kind = kinds[i % kinds.length];
            final ChildRun writer = lineage.start("run");
            if (writer.awaitVerified(MINUTE_NS))
            {
                // Half the kills come right after a commit, when the older slot is intact; the rest land anywhere,
                // often while a checkpoint overwrites the older slot, when only the newest is valid.
                if (random.nextBoolean())
                {
                    writer.awaitCommitAfter(writer.commits(), TimeUnit.SECONDS.toNanos(5));
                }
                else
                {
                    park(200 + random.nextInt(400));
                }
            }
            writer.kill();
            final long lastAckPosition = writer.lastAckPosition();
            lineage.absorb(writer, result);
            if (!writer.verified() || null != writer.violation())
            {
                lineage = crashRun.lineage("corruption", level, null);
                continue;
            }

            final Corruptor.Damage damage;
            try
            {
                damage = Corruptor.corrupt(kind, lineage.dir, random, lastAckPosition);
            }
            catch (final IllegalStateException ex)
            {
                result.fail(kind + " in " + lineage.dir.getName() + ": " + ex.getMessage());
                lineage = crashRun.lineage("corruption", level, null);
                continue;
            }
            final boolean lenient = damage.mayLose > 0;
            final long ackedBefore = lineage.lastAck;
            final ChildRun reader = lineage.start("verify", lenient);
            if (!reader.awaitExit(MINUTE_NS))
            {
                reader.kill();
                result.fail(kind + " (" + damage.done + "): open neither finished nor failed within 60 s");
            }
            final String outcome;
            boolean followsModel = true;
            if (null != reader.failure() && reader.failure().startsWith("OPEN_FAILED"))
            {
                result.refusals++;
                result.childRuns++;
                reader.deleteReport();
                outcome = "refused: " + shorten(reader.failure().substring("OPEN_FAILED ".length()));
                if (!damage.mayRefuse)
                {
                    result.fail(kind + " (" + damage.done + "): expected " + damage.expected + "; but the open " +
                        "refused: " + reader.failure());
                }
                followsModel = false;
            }
            else
            {
                lineage.absorb(reader, result, lenient);
                if (!reader.verified())
                {
                    outcome = "opened, " + (null != reader.violation() ? "VIOLATION " + reader.violation() :
                        "did not verify: " + shorten(reader.tail()));
                    followsModel = false;
                }
                else
                {
                    outcome = "opened" + (reader.fallback() ? " from the older slot" : "") +
                        (reader.truncatedAt() >= 0 ? ", log cut at position " + reader.truncatedAt() : "") +
                        ", verified k=" + reader.verifiedK();
                    if (lenient && reader.verifiedK() < ackedBefore - damage.mayLose)
                    {
                        result.lost++;
                        result.fail("VIOLATION in " + lineage.dir.getName() + ": lost: after " + kind + " (" +
                            damage.done + ") recovered " + reader.verifiedK() + " operations, " + ackedBefore +
                            " were acknowledged and only the damaged last message may go");
                        followsModel = false;
                    }
                    if (null != damage.fallback && damage.fallback != reader.fallback())
                    {
                        result.fail(kind + " (" + damage.done + "): expected " + damage.expected + "; but the " +
                            "store restored from the " + (reader.fallback() ? "older" : "newest") + " slot");
                    }
                }
                if (!damage.mayOpen)
                {
                    result.fail(kind + " (" + damage.done + "): expected " + damage.expected + "; but the store " +
                        outcome);
                    followsModel = false;
                }
            }
            result.notes.add(kind + ": " + damage.done + "; expected " + shorten(damage.expected) + "; " + outcome);
            if (!followsModel)
            {
                lineage = crashRun.lineage("corruption", level, null);
            }
            result.cycles++;
        }
    }
}
