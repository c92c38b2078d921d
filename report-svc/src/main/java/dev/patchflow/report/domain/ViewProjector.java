package dev.patchflow.report.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.patchflow.report.domain.ViewStore.Stage;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PowerStateRestored;
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
 * Applies events to the run and target views, then checks whether a run is complete.
 * <p>
 * Idempotent without an event log: each event sets one fact (a stage sub-document or a run flag), which a
 * redelivery sets again to the same value; the only counter (terminal targets) moves only by the number of
 * terminal flags a write actually flipped. Order-tolerant: every write is an upsert, and status is derived
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

    /** Applies one event (see {@link #applyAll}). */
    public void apply(CloudEvent<?> event) {
        applyAll(List.of(event));
    }

    /**
     * Applies a batch of events, in order, in a handful of writes however large the batch: the runs it touches
     * once, every target fact in one bulk write, the terminal flips of each run in one more and its counter once,
     * then one completion check per run that may have completed.
     */
    public void applyAll(List<CloudEvent<?>> events) {
        Instant now = clock.instant();
        Map<String, RunContext> touched = new LinkedHashMap<>();
        List<ViewStore.TargetFact> facts = new ArrayList<>();
        Map<String, Set<String>> terminals = new LinkedHashMap<>();
        Set<String> mayComplete = new LinkedHashSet<>();
        List<TargetHistory.Fact> history = new ArrayList<>();
        for (CloudEvent<?> event : events) {
            TargetHistory.of(event).ifPresent(history::add);
            Fact fact = targetFact(event.data());
            if (fact != null) {
                touched.putIfAbsent(fact.run().runId(), fact.run());
                facts.add(new ViewStore.TargetFact(fact.run().runId(), fact.target(), fact.stage(), fact.fact(),
                        fact.terminal() ? event.time() : null));
                if (fact.terminal()) {
                    terminals.computeIfAbsent(fact.run().runId(), r -> new LinkedHashSet<>()).add(fact.target().id());
                    mayComplete.add(fact.run().runId());
                }
            } else if (applyRunEvent(event, now)) {
                mayComplete.add(event.runId());
            }
        }
        // Touch the runs before the terminal flips: if we crash between the flips and the increment, the run has
        // changed since its last recount, so the reconciler recounts it.
        touched.values().forEach(run -> store.touchRun(run, now));
        // The story before the views: a target's view never shows a fact its story lacks.
        Set<String> newToTheirRun = store.recordHistory(history);
        store.recordTargets(facts, now);
        terminals.forEach((runId, ids) -> {
            int flipped = store.markTerminal(runId, ids);
            if (flipped > 0) {
                store.incrementTerminal(runId, flipped, now);
            }
        });
        // A target's fact can come after its run completed: topics are read in parallel, so a target's terminal event
        // on patchflow.patches may overtake its BackupCompleted on patchflow.backups. Its counts and archived reports
        // then take it in (a redelivery, which adds no story entry, changes nothing).
        touched.keySet().stream().filter(newToTheirRun::contains).forEach(finisher::refreshArchiveIfCompleted);
        // A redelivered terminal event still checks completion: the first delivery may have crashed after the
        // increment, before the check.
        mayComplete.forEach(finisher::completeIfDone);
    }

    /** A target event's fact: which stage, what it says, whether it ends the target. */
    private record Fact(RunContext run, Target target, Stage stage, Object fact, boolean terminal) {
    }

    private static Fact targetFact(Object data) {
        if (data instanceof InstanceScanned e) {
            return new Fact(e.run(), e.target(), Stage.SCAN, null, false);
        }
        if (data instanceof BackupCompleted e) {
            return new Fact(e.run(), e.target(), Stage.BACKUP,
                    new BackupView(e.status().name(), e.location(), e.sha256(), e.sizeBytes(), e.note(), null,
                            e.method(), e.details()),
                    false);
        }
        if (data instanceof BackupFailed e) {
            return new Fact(e.run(), e.target(), Stage.BACKUP,
                    new BackupView(BackupView.FAILED, null, null, null, null, e.reason()), false);
        }
        if (data instanceof PatchApplied e) {
            return new Fact(e.run(), e.target(), Stage.PATCH, new PatchView(e.status().name(), e.exitCode(),
                    null, e.outputLocation(), e.outputTail(), e.durationMs(), e.details()), false);
        }
        if (data instanceof PatchFailed e) {
            return new Fact(e.run(), e.target(), Stage.PATCH, new PatchView(PatchView.FAILED, e.exitCode(),
                    e.reason(), e.outputLocation(), e.outputTail(), e.durationMs(), e.details()), true);
        }
        if (data instanceof PatchNotStarted e) {
            // Terminal: the runner will never start this target (cancelled, cut off, budget, refused).
            return new Fact(e.run(), e.target(), Stage.PATCH, new PatchView(e.status().name(), null,
                    e.reason(), null, null, null, Map.of()), true);
        }
        // A validation ends the target unless the runner stops the instance again after it: then PowerStateRestored
        // does (whichever of the two topics delivers first).
        if (data instanceof ValidationPassed e) {
            return new Fact(e.run(), e.target(), Stage.VALIDATION,
                    new ValidationView(e.skipped() ? ValidationView.SKIPPED : ValidationView.PASSED, e.checks(), null),
                    !AwsOptions.restoresPowerOf(e.run(), e.target()));
        }
        if (data instanceof ValidationFailed e) {
            return new Fact(e.run(), e.target(), Stage.VALIDATION,
                    new ValidationView(ValidationView.FAILED, e.checks(), e.failed()),
                    !AwsOptions.restoresPowerOf(e.run(), e.target()));
        }
        if (data instanceof PowerStateRestored e) {
            return new Fact(e.run(), e.target(), Stage.POWER,
                    new PowerView(e.initialState(), e.state(), e.restored(), e.reason(), e.at()), true);
        }
        return null;
    }

    /**
     * A run-level event of the runner that is new to the run may come after the run completed: topics are read in
     * parallel, so the last target's event can overtake an operator's cancel on {@code patchflow.runs}, and a
     * replay may read that topic last. The archived reports then show it too, as the API does.
     */
    private void afterCompletion(String runId, boolean changed) {
        if (changed) {
            finisher.refreshArchiveIfCompleted(runId);
        }
    }

    /** Applies a run-level event; returns whether it can make the run complete. */
    private boolean applyRunEvent(CloudEvent<?> event, Instant now) {
        Object data = event.data();
        if (data instanceof PatchRequested e) {
            store.markRequested(e.context(), now);
            return false;
        }
        if (data instanceof ScanCompleted e) {
            store.markScanCompleted(e.run(), e.targetCount(), e.zoneErrors(), event.time(), now);
            return true;
        }
        if (data instanceof RunRejected e) {
            store.markRejected(e.run(), e.reason(), event.time(), now);
            return true;
        }
        if (data instanceof RunCompleted e) {
            // Our own event coming back: confirms the emission, changes nothing else.
            store.markCompletionSeen(e.runId(), event.id());
        } else if (data instanceof RunControlled e) {
            RolloutView.Entry entry = new RolloutView.Entry(event.id(), "RunControlled", e.action().name(), e.actor(),
                    e.reason(), e.at());
            Boolean halted = switch (e.action()) {
                case RESUME -> Boolean.FALSE;
                default -> null; // a HALT is followed by the runner's RunHalted, which carries the reason
            };
            afterCompletion(e.runId(), store.recordRollout(e.runId(), entry, halted, null, null,
                    e.action() == RunControlled.RunControlAction.CANCEL ? Boolean.TRUE : null, null, null));
        } else if (data instanceof RunHalted e) {
            afterCompletion(e.runId(), store.recordRollout(e.runId(), new RolloutView.Entry(event.id(), "RunHalted",
                    e.cause().name(), null, e.reason(), e.at()), true, e.cause().name(), e.reason(), null, null, null));
        } else if (data instanceof RunGateChanged e) {
            afterCompletion(e.runId(),
                    store.recordRollout(e.runId(), new RolloutView.Entry(event.id(), "RunGateChanged",
                            e.state().name(), null, e.reason(), e.at()), null, null, null, null, e.gate(),
                            e.state().name()));
        } else if (data instanceof ClusterPhaseCompleted e) {
            afterCompletion(e.runId(), store.recordClusterPhase(e.runId(), new RolloutView.ClusterPhase(event.id(),
                    e.clusterId(), e.engine(), e.phase().name(), e.passed(), e.reason(), e.checks(), e.details(),
                    e.completedAt())));
        }
        // Anything else is a contract type the report does not know yet (added to a shared topic later): not an
        // error, it is acknowledged and changes nothing.
        return false;
    }
}
