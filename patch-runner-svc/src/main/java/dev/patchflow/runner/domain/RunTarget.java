package dev.patchflow.runner.domain;

import java.time.Instant;

import dev.patchflow.schemas.EventIds;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * One target of one run as the runner sees it: the per-run record that makes a redelivered backup event
 * re-emit the recorded outcome instead of patching again.
 *
 * @param outcome the recorded {@code PatchApplied} / {@code PatchFailed}, once {@link TargetState#DONE}
 * @param emitted whether the outcome's publication was acknowledged by Kafka
 * @param notBefore a READY target is not dispatched before this (set when its ledger entry was busy)
 * @param child what an executor started for it and recorded for adoption (an earlier attempt's, when a claim reads
 *        it), or {@code null}
 */
public record RunTarget(String id, String runId, String targetId, TargetState state, RunContext run, Target target,
        PatchflowEvent outcome, boolean emitted, String owner, Instant leaseUntil, Instant readyAt,
        Instant notBefore, Instant doneAt, ChildProcess child) {

    /** Without a recorded child. */
    public RunTarget(String id, String runId, String targetId, TargetState state, RunContext run, Target target,
            PatchflowEvent outcome, boolean emitted, String owner, Instant leaseUntil, Instant readyAt,
            Instant notBefore, Instant doneAt) {
        this(id, runId, targetId, state, run, target, outcome, emitted, owner, leaseUntil, readyAt, notBefore, doneAt,
                null);
    }

    public static String idOf(String runId, String targetId) {
        return EventIds.key(runId, targetId);
    }

    public static RunTarget ready(RunContext run, Target target, Instant now) {
        return new RunTarget(idOf(run.runId(), target.id()), run.runId(), target.id(), TargetState.READY, run,
                target, null, false, null, null, now, now, null);
    }

    public static RunTarget done(RunContext run, Target target, PatchflowEvent outcome, Instant now) {
        return new RunTarget(idOf(run.runId(), target.id()), run.runId(), target.id(), TargetState.DONE, run,
                target, outcome, false, null, null, now, now, now);
    }

    /** The run's {@code options.rollout.maxConcurrency}, raw. */
    public String maxConcurrency() {
        return run.options().rollout() == null ? null : run.options().rollout().maxConcurrency();
    }
}
