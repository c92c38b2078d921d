package dev.patchflow.runner.domain.rollout;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.OutcomeRecorder;
import dev.patchflow.runner.domain.RunSizes;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.TargetState;
import dev.patchflow.schemas.EventIds;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunGateChanged;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.Target;

/**
 * Applies the {@link RolloutPlanner}'s decisions to the run's state in MongoDB: admissions (optimistic, on
 * the state's version, so that replicas never exceed a limit together), completions and validations
 * (idempotent set updates), halts, gate transitions and operator actions, each with its run-level event
 * recorded in the same update and published from the outbox.
 */
@ApplicationScoped
public class RolloutScheduler {

    private static final Logger LOG = Logger.getLogger(RolloutScheduler.class);
    private static final int MAX_CONFLICTS = 5;

    private final RolloutStore store;
    private final RunSizes runSizes;
    private final RunTargetStore targets;
    private final OutcomeRecorder recorder;
    private final RunEventPublisher events;
    private final RunnerSettings settings;
    private final RolloutSettings rollout;
    private final Clock clock;
    private final ClusterGate gate;

    public RolloutScheduler(RolloutStore store, RunSizes runSizes, RunTargetStore targets, OutcomeRecorder recorder,
            RunEventPublisher events, RunnerSettings settings, RolloutSettings rollout, Clock clock) {
        this(store, runSizes, targets, recorder, events, settings, rollout, clock, ClusterGate.OPEN);
    }

    @Inject
    public RolloutScheduler(RolloutStore store, RunSizes runSizes, RunTargetStore targets, OutcomeRecorder recorder,
            RunEventPublisher events, RunnerSettings settings, RolloutSettings rollout, Clock clock,
            ClusterGate gate) {
        this.gate = gate;
        this.store = store;
        this.runSizes = runSizes;
        this.targets = targets;
        this.recorder = recorder;
        this.events = events;
        this.settings = settings;
        this.rollout = rollout;
        this.clock = clock;
    }

    /** What the dispatcher does with a queued target. */
    public enum Admission {
        /** Execute it now (its slot is taken). */
        START,
        /** Leave every target of the run queued for now. */
        WAIT_RUN,
        /** Leave this one queued, look at the next. */
        WAIT_TARGET,
        /** It was ended without starting ({@code PatchNotStarted} recorded and emitted): drop it. */
        ENDED
    }

    /** A target reached the runner (before its {@code run_targets} record is written, so a crash loses nothing). */
    public void arrived(RunContext run, Target target, PatchflowEvent outcome) {
        store.arrived(run, target, outcome != null, ErrorBudget.counts(outcome));
        if (ErrorBudget.counts(outcome)) {
            enforceBudget(run.runId());
        }
    }

    /** One dispatch pass over one run: loads its state once, admits candidates in queue order. */
    public Pass begin(String runId) {
        return new Pass(runId);
    }

    /** After a worker is done with a target: frees its slot according to what was recorded. */
    public void afterExecution(String runTargetId, String runId) {
        Optional<RunTarget> record = targets.find(runTargetId);
        if (record.isEmpty()) {
            return;
        }
        RunTarget t = record.get();
        if (t.state() == TargetState.DONE) {
            store.finished(runId, t.targetId(), ErrorBudget.counts(t.outcome()));
            if (ErrorBudget.counts(t.outcome())) {
                enforceBudget(runId);
            }
        } else if (t.state() == TargetState.READY) {
            store.unstarted(runId, t.targetId());
        }
        // RUNNING: interrupted by a shutdown; it keeps its slot and resumes after its lease expires.
    }

    /** A validation result for a target of a run this runner scheduled. */
    public void validated(String runId, String targetId, boolean passed) {
        if (store.load(runId).isEmpty()) {
            return; // not a run of this runner (or not yet): nothing to count
        }
        store.validated(runId, targetId, passed);
        if (!passed) {
            enforceBudget(runId);
        }
    }

    /** An operator action; the returned result says whether it was applied and why not. */
    public ControlResult control(String runId, RunControlled.RunControlAction action, String actor, String reason) {
        for (int i = 0; i < MAX_CONFLICTS; i++) {
            Optional<RolloutStore.Loaded> loaded = store.load(runId);
            if (loaded.isEmpty()) {
                return ControlResult.notFound("the runner has not received any target of run " + runId);
            }
            RolloutState s = loaded.get().state();
            RolloutPlan plan = plan(loaded.get().run());
            Instant now = clock.instant();
            int seq = s.controlCount() + 1;
            RunControlled controlled = new RunControlled(runId, action, actor, reason, now, seq);
            List<RolloutStore.PendingEvent> out = new ArrayList<>();
            out.add(pending(controlled, seq));
            RolloutStore.Change change;
            if (s.cancelled()) {
                return ControlResult.conflict("run " + runId + " is cancelled");
            }
            switch (action) {
                case APPROVE -> {
                    if (plan == null || !plan.canary() || !isManual(plan)) {
                        return ControlResult.conflict("run " + runId + " has no manual canary gate");
                    }
                    if (!"WAITING".equals(s.gateState())) {
                        return ControlResult.conflict("the canary gate of run " + runId + " is "
                                + (s.gateState() == null
                                        ? "not reached yet (the canary is not verified)"
                                        : s.gateState()));
                    }
                    out.add(pending(new RunGateChanged(runId, plan.gate(), RunGateChanged.GateState.APPROVED,
                            "approved by " + actor + (reason == null ? "" : ": " + reason), null, now), 2));
                    change = new RolloutStore.Change(null, null, null, null, null, "APPROVED", null, null, false, true,
                            out);
                }
                case HALT -> {
                    if (s.halted()) {
                        return ControlResult.conflict("run " + runId + " is already halted: " + s.haltReason());
                    }
                    String why = "halted by " + actor + (reason == null ? "" : ": " + reason);
                    out.add(pending(new RunHalted(runId, RunHalted.HaltCause.OPERATOR, why, s.failed().size(), now,
                            s.haltCount() + 1), s.haltCount() + 1));
                    change = new RolloutStore.Change(true, RolloutState.HaltKind.OPERATOR, why, null, null, null, null,
                            null, true, true, out);
                }
                case RESUME -> {
                    if (!s.halted()) {
                        return ControlResult.conflict("run " + runId + " is not halted");
                    }
                    // Resuming accepts the failures so far: the budget counts the ones after this point, and
                    // an operator who resumes after a failed canary overrides the gate.
                    String gate = "FAILED".equals(s.gateState()) ? "APPROVED" : null;
                    if (gate != null) {
                        out.add(pending(new RunGateChanged(runId, plan == null ? "manual" : plan.gate(),
                                RunGateChanged.GateState.APPROVED, "canary failure overridden by " + actor, null, now),
                                2));
                    }
                    change = new RolloutStore.Change(false, null, null, null, null, gate, null, s.failed().size(),
                            false, true, out);
                }
                case CANCEL -> {
                    String why = "cancelled by " + actor + (reason == null ? "" : ": " + reason);
                    change = new RolloutStore.Change(null, null, null, true, why, null, null, null, false, true, out);
                }
                default -> throw new IllegalArgumentException("unknown action " + action);
            }
            if (store.apply(runId, s.version(), change)) {
                publishPending();
                return ControlResult.applied(controlled);
            }
        }
        return ControlResult.conflict("run " + runId + " changed concurrently; try again");
    }

    private static boolean isManual(RolloutPlan plan) {
        return "manual".equals(plan.gate());
    }

    /** The run's state and history for the API. */
    public Optional<RolloutStore.Loaded> view(String runId) {
        return store.load(runId);
    }

    public RolloutPlan plan(RunContext run) {
        Integer count = runSizes.targetCount(run.runId()).orElse(null);
        return RolloutPlanner.plan(run.options().rollout(), count, settings.defaultMaxConcurrency(),
                rollout.defaultMaxErrors(), run.targets() == null ? null : run.targets().environment(),
                rollout.devEnvironments());
    }

    /** Publishes recorded run-level events (after each transition, and from the dispatcher's sweep). */
    public void publishPending() {
        for (RolloutStore.PendingEvent p : store.pendingEvents(100)) {
            try {
                events.publish(p.event(), p.attempt());
                store.published(p.runId(), p.id());
            } catch (RuntimeException e) {
                LOG.warnf(e, "run event %s of %s recorded but not published; it will be re-sent", p.id(), p.runId());
                return;
            }
        }
    }

    /** Halts the run if its failures exceed the budget, or a canary target failed before the gate opened. */
    private void enforceBudget(String runId) {
        for (int i = 0; i < MAX_CONFLICTS; i++) {
            Optional<RolloutStore.Loaded> loaded = store.load(runId);
            if (loaded.isEmpty()) {
                return;
            }
            RolloutState s = loaded.get().state();
            RolloutPlan plan = plan(loaded.get().run());
            if (s.halted() || s.cancelled() || plan == null) {
                return;
            }
            RolloutStore.Change change = null;
            Instant now = clock.instant();
            List<String> failedCanary = s.canary().stream().filter(s.failed()::contains).sorted().toList();
            if (plan.canary() && !s.gatePassed() && !failedCanary.isEmpty()) {
                change = haltChange(runId, s, RolloutState.HaltKind.CANARY_FAILED,
                        "canary failed: " + String.join(", ", failedCanary), now, plan);
            } else if (RolloutPlanner.budgetExceeded(plan.maxErrors(), s.countedFailures())) {
                change = haltChange(runId, s, RolloutState.HaltKind.BUDGET_EXCEEDED,
                        RolloutPlanner.budgetReason(s.countedFailures(), plan.maxErrors()), now, plan);
            }
            if (change == null || store.apply(runId, s.version(), change)) {
                publishPending();
                return;
            }
        }
    }

    private RolloutStore.Change haltChange(String runId, RolloutState s, RolloutState.HaltKind kind, String reason,
            Instant now, RolloutPlan plan) {
        List<RolloutStore.PendingEvent> out = new ArrayList<>();
        int seq = s.haltCount() + 1;
        out.add(pending(new RunHalted(runId, RunHalted.HaltCause.valueOf(kind.name()), reason, s.failed().size(), now,
                seq), seq));
        String gate = null;
        if (kind == RolloutState.HaltKind.CANARY_FAILED) {
            gate = "FAILED";
            out.add(pending(new RunGateChanged(runId, plan.gate(), RunGateChanged.GateState.FAILED, reason, null, now),
                    3));
        }
        return new RolloutStore.Change(true, kind, reason, null, null, gate, null, null, true, false, out);
    }

    private static RolloutStore.PendingEvent pending(PatchflowEvent event, int attempt) {
        String id = EventIds.of(EventType.of(event.getClass()), event.runId(), null, attempt);
        return new RolloutStore.PendingEvent(event.runId(), id, event, attempt);
    }

    /** One dispatch pass over one run. */
    public final class Pass {

        private final String runId;
        private RolloutStore.Loaded loaded;
        private RolloutPlan plan;
        private Integer count;

        Pass(String runId) {
            this.runId = runId;
            reload();
        }

        private void reload() {
            loaded = store.load(runId).orElse(null);
            count = runSizes.targetCount(runId).orElse(null);
            plan = loaded == null ? null : plan(loaded.run());
            if (loaded != null && plan != null && plan.domain() != null) {
                RolloutState s = loaded.state();
                loaded = new RolloutStore.Loaded(loaded.run(), withDomains(s, plan.domain()), loaded.history());
            }
        }

        private RolloutState withDomains(RolloutState s, String kind) {
            return new RolloutState(s.version(), s.started(), s.inFlight(), s.finished(), s.failed(), s.verified(),
                    s.canary(), s.members(), s.arrivedCount(), s.halted(), s.haltKind(), s.haltReason(),
                    s.cancelled(), s.cancelReason(), s.failureBaseline(), s.gateState(), s.gateUntil(), s.haltCount(),
                    s.controlCount(), RolloutState.domainCounts(s.failed(), s.members(), kind));
        }

        /** Decides for one queued target (by {@code runId/targetId}) and applies the decision. */
        public Admission admit(String runTargetId) {
            if (loaded == null) {
                // The run's targets were recorded without a rollout document (by a runner from before rollout
                // control, or directly in the store): register every target the runner holds, as it is, once.
                adoptRun();
                reload();
                if (loaded == null) {
                    return Admission.WAIT_RUN;
                }
            }
            String targetId = runTargetId.substring(runId.length() + 1);
            for (int i = 0; i < MAX_CONFLICTS; i++) {
                RolloutState s = loaded.state();
                RolloutState.Node node = s.members().get(targetId);
                RolloutPlanner.Candidate candidate = new RolloutPlanner.Candidate(targetId,
                        node == null ? null : node.clusterId(), node == null ? null : node.role(),
                        node == null ? null : node.landingZone());
                Instant now = clock.instant();
                Decision d = RolloutPlanner.decide(plan, s, candidate, count, now);
                switch (d.kind()) {
                    case START -> {
                        if (s.inFlight().contains(targetId)) {
                            return Admission.START;
                        }
                        if (candidate.clusterId() != null) {
                            // A cluster's own phases (preflight, clone test) gate its first node.
                            ClusterGate.Verdict verdict = gate.verdict(loaded.run(), targetId, candidate.clusterId(),
                                    count != null && s.arrivedCount() >= count);
                            if (verdict.kind() == ClusterGate.Verdict.Kind.WAIT) {
                                return Admission.WAIT_TARGET;
                            }
                            if (verdict.kind() == ClusterGate.Verdict.Kind.REFUSED) {
                                return end(runTargetId, Decision.end(Decision.EndStatus.REFUSED, verdict.reason()))
                                        ? Admission.ENDED
                                        : Admission.WAIT_TARGET;
                            }
                        }
                        boolean canaryMember = plan.canary() && s.started().size() < plan.canarySize();
                        if (store.tryStart(runId, s.version(), targetId, canaryMember)) {
                            loaded = new RolloutStore.Loaded(loaded.run(), s.withStarted(targetId, canaryMember),
                                    loaded.history());
                            return Admission.START;
                        }
                        reload();
                    }
                    case WAIT_RUN -> {
                        return Admission.WAIT_RUN;
                    }
                    case WAIT_TARGET -> {
                        return Admission.WAIT_TARGET;
                    }
                    case END -> {
                        return end(runTargetId, d) ? Admission.ENDED : Admission.WAIT_TARGET;
                    }
                    case HALT -> {
                        if (!s.halted()) {
                            store.apply(runId, s.version(), haltChange(runId, s, d.haltKind(), d.reason(), now, plan));
                            publishPending();
                        }
                        reload();
                        return Admission.WAIT_RUN;
                    }
                    case GATE -> {
                        if (!gate(s, now)) {
                            return Admission.WAIT_RUN;
                        }
                        reload();
                    }
                    default -> throw new IllegalStateException(d.kind().name());
                }
                if (loaded == null) {
                    return Admission.WAIT_RUN;
                }
            }
            return Admission.WAIT_RUN;
        }

        private void adoptRun() {
            for (RunTarget t : targets.findByRun(runId)) {
                boolean done = t.state() == TargetState.DONE;
                store.arrived(t.run(), t.target(), done, done && ErrorBudget.counts(t.outcome()));
            }
        }

        /** Moves the gate along; true when it opened (the candidate is decided again). */
        private boolean gate(RolloutState s, Instant now) {
            String gate = plan.gate();
            if (s.gateState() == null) {
                Instant until = "timer".equals(gate) ? now.plusSeconds(plan.bakeSeconds()) : null;
                String why = "canary batch of " + s.canary().size() + " verified"
                        + ("timer".equals(gate) ? "; baking " + plan.bakeSeconds() + "s" : "; waiting for approval");
                List<RolloutStore.PendingEvent> out = List.of(pending(
                        new RunGateChanged(runId, gate, RunGateChanged.GateState.WAITING, why, until, now), 0));
                store.apply(runId, s.version(),
                        new RolloutStore.Change(null, null, null, null, null, "WAITING", until, null, false, false,
                                out));
                publishPending();
                if (plan.bakeSeconds() > 0 || !"timer".equals(gate)) {
                    reload();
                    return false;
                }
                reload();
                return true;
            }
            if ("timer".equals(gate) && "WAITING".equals(s.gateState())
                    && (s.gateUntil() == null || !now.isBefore(s.gateUntil()))) {
                List<RolloutStore.PendingEvent> out = List.of(pending(new RunGateChanged(runId, gate,
                        RunGateChanged.GateState.TIMER_ELAPSED, "bake time of " + plan.bakeSeconds() + "s elapsed",
                        null, now), 1));
                store.apply(runId, s.version(), new RolloutStore.Change(null, null, null, null, null, "TIMER_ELAPSED",
                        null, null, false, false, out));
                publishPending();
                return true;
            }
            return false;
        }

        private boolean end(String runTargetId, Decision d) {
            Optional<RunTarget> record = targets.find(runTargetId);
            if (record.isEmpty() || record.get().state() != TargetState.READY) {
                return record.isPresent();
            }
            RunTarget t = record.get();
            PatchNotStarted outcome = new PatchNotStarted(t.run(), t.target(),
                    PatchNotStarted.NotStartedStatus.valueOf(d.endStatus().name()), d.reason());
            if (targets.endUnstarted(runTargetId, outcome, clock.instant())) {
                recorder.emit(runTargetId, outcome);
                store.finished(runId, t.targetId(), false);
            }
            return true;
        }
    }

    /** The answer to an operator action. */
    public record ControlResult(Status status, String message, RunControlled event) {

        public enum Status {
            APPLIED, NOT_FOUND, CONFLICT
        }

        static ControlResult applied(RunControlled event) {
            return new ControlResult(Status.APPLIED, event.action().name().toLowerCase() + " recorded", event);
        }

        static ControlResult notFound(String message) {
            return new ControlResult(Status.NOT_FOUND, message, null);
        }

        static ControlResult conflict(String message) {
            return new ControlResult(Status.CONFLICT, message, null);
        }
    }
}
