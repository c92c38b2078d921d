package dev.patchflow.report.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.patchflow.report.domain.ViewStore.Stage;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.RunCompleted;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunGateChanged;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.RunRejected;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/**
 * Applies one event to the run and target views, then checks whether the run is complete.
 * <p>
 * Idempotent without an event log: each event sets one fact (a stage sub-document or a run flag), which a
 * redelivery sets again to the same value; the only counter (terminal targets) moves only when this call
 * flipped the target's terminal flag. Order-tolerant: every write is an upsert, and status is derived
 * from the set of facts, not from the order they came in.
 */
@ApplicationScoped
public class ViewProjector {

    private final ViewStore store;
    private final RunFinisher finisher;
    private final Clock clock;

    public ViewProjector(ViewStore store, RunFinisher finisher, Clock clock) {
        this.store = store;
        this.finisher = finisher;
        this.clock = clock;
    }

    public void apply(CloudEvent<?> event) {
        Instant now = clock.instant();
        Object data = event.data();
        // Only a terminal flip, ScanCompleted or RunRejected can make a run complete; other events skip
        // the completion check (one read less per event on a 10,000-target run).
        boolean mayComplete;
        if (data instanceof PatchRequested e) {
            store.markRequested(e.context(), now);
            mayComplete = false;
        } else if (data instanceof InstanceScanned e) {
            mayComplete = target(e.run(), e.target(), Stage.SCAN, null, false, now);
        } else if (data instanceof ScanCompleted e) {
            store.markScanCompleted(e.run(), e.targetCount(), now);
            mayComplete = true;
        } else if (data instanceof RunRejected e) {
            store.markRejected(e.run(), e.reason(), now);
            mayComplete = true;
        } else if (data instanceof BackupCompleted e) {
            mayComplete = target(e.run(), e.target(), Stage.BACKUP,
                    new BackupView(e.status().name(), e.location(), e.sha256(), e.sizeBytes(), e.note(), null), false,
                    now);
        } else if (data instanceof BackupFailed e) {
            mayComplete = target(e.run(), e.target(), Stage.BACKUP,
                    new BackupView(BackupView.FAILED, null, null, null, null, e.reason()), false, now);
        } else if (data instanceof PatchApplied e) {
            mayComplete = target(e.run(), e.target(), Stage.PATCH, new PatchView(e.status().name(), e.exitCode(),
                    null, e.outputLocation(), e.outputTail(), e.durationMs(), e.details()), false, now);
        } else if (data instanceof PatchFailed e) {
            mayComplete = target(e.run(), e.target(), Stage.PATCH, new PatchView(PatchView.FAILED, e.exitCode(),
                    e.reason(), e.outputLocation(), e.outputTail(), e.durationMs(), e.details()), true, now);
        } else if (data instanceof PatchNotStarted e) {
            // Terminal: the runner will never start this target (cancelled, cut off, budget, refused).
            mayComplete = target(e.run(), e.target(), Stage.PATCH, new PatchView(e.status().name(), null, e.reason(),
                    null, null, null, Map.of()), true, now);
        } else if (data instanceof ValidationPassed e) {
            mayComplete = target(e.run(), e.target(), Stage.VALIDATION,
                    new ValidationView(e.skipped() ? ValidationView.SKIPPED : ValidationView.PASSED, e.checks(), null),
                    true, now);
        } else if (data instanceof ValidationFailed e) {
            mayComplete = target(e.run(), e.target(), Stage.VALIDATION,
                    new ValidationView(ValidationView.FAILED, e.checks(), e.failed()), true, now);
        } else if (data instanceof RunCompleted e) {
            // Our own event coming back: confirms the emission, changes nothing else.
            store.markCompletionSeen(e.runId(), event.id());
            mayComplete = false;
        } else if (data instanceof RunControlled e) {
            RolloutView.Entry entry = new RolloutView.Entry(event.id(), "RunControlled", e.action().name(), e.actor(),
                    e.reason(), e.at());
            Boolean halted = switch (e.action()) {
                case RESUME -> Boolean.FALSE;
                default -> null; // a HALT is followed by the runner's RunHalted, which carries the reason
            };
            store.recordRollout(e.runId(), entry, halted, null, null,
                    e.action() == RunControlled.RunControlAction.CANCEL ? Boolean.TRUE : null, null, null);
            mayComplete = false;
        } else if (data instanceof RunHalted e) {
            store.recordRollout(e.runId(), new RolloutView.Entry(event.id(), "RunHalted", e.cause().name(), null,
                    e.reason(), e.at()), true, e.cause().name(), e.reason(), null, null, null);
            mayComplete = false;
        } else if (data instanceof RunGateChanged e) {
            store.recordRollout(e.runId(), new RolloutView.Entry(event.id(), "RunGateChanged", e.state().name(), null,
                    e.reason(), e.at()), null, null, null, null, e.gate(), e.state().name());
            mayComplete = false;
        } else if (data instanceof ClusterPhaseCompleted e) {
            store.recordClusterPhase(e.runId(), new RolloutView.ClusterPhase(event.id(), e.clusterId(), e.engine(),
                    e.phase().name(), e.passed(), e.reason(), e.checks(), e.details(), e.completedAt()));
            mayComplete = false;
        } else {
            // A contract type the report does not know yet (added to a shared topic later): not an error,
            // acknowledge it and go on.
            return;
        }
        if (mayComplete) {
            finisher.completeIfDone(event.runId());
        }
    }

    /**
     * Records a target fact; returns whether it was a terminal event. A redelivered terminal event still
     * checks completion: the first delivery may have crashed after the increment, before the check.
     */
    private boolean target(RunContext run, Target target, Stage stage, Object fact, boolean terminal, Instant now) {
        store.recordTarget(run.runId(), target, stage, fact, now);
        // Touch the run before the terminal flip: if we crash between the flip and the increment, the run
        // has changed since its last recount, so the reconciler recounts it.
        store.touchRun(run, now);
        if (terminal && store.markTerminal(run.runId(), target.id())) {
            store.incrementTerminal(run.runId(), now);
        }
        return terminal;
    }
}
