package dev.patchflow.runner.domain.rollout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.OutcomeRecorder;
import dev.patchflow.runner.domain.RunSizes;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.RunTargetStore.ReadyTarget;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.TargetState;
import dev.patchflow.schemas.EventIds;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunGateChanged;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.Target;

/**
 * Applies the {@link RolloutPlanner}'s decisions to the run's state in MongoDB and counts what happens to its
 * targets exactly once:
 * <ul>
 * <li><b>Admissions</b>: one optimistic update per dispatch pass for every target the pass starts (on the state's
 * version and failure count, so that replicas never exceed a limit together and no start slips past a failure
 * it did not see).
 * <li><b>Completions</b>: one update that removes the target's in-flight entry and counts its outcome, applied
 * only while the entry is there; a record whose admission token differs (a stale admission of a finished target)
 * only gives its slot back.
 * <li><b>Arrivals, ends without start, validations</b>: the fact goes into the run's transit list, then onto the
 * target's record (whose first writer wins: the insert of the record, the end, the first validation appended),
 * then the winner's entry is counted and removed in one update.
 * <li><b>Repair</b> ({@link #repair()}, at start and every lease-check interval): whatever a crash left between
 * those steps (a record written, its count not) is counted from the entries still in flight or in transit.
 * </ul>
 * The state of each run is cached between passes (it is small) and refreshed from the result of every update,
 * so that a freed slot is refilled without reading anything. Halts, gate transitions and operator actions are
 * recorded with their run-level event in the same update (an outbox) and published from there.
 */
@ApplicationScoped
public class RolloutScheduler {

    private static final Logger LOG = Logger.getLogger(RolloutScheduler.class);
    private static final int MAX_CONFLICTS = 5;
    /** Candidates one pass looks at per run, at most (the rest wait for the next pass). */
    private static final int PASS_SCAN = 4096;
    private static final Duration CACHE_IDLE = Duration.ofMinutes(10);

    private final RolloutStore store;
    private final RunSizes runSizes;
    private final RunTargetStore targets;
    private final OutcomeRecorder recorder;
    private final RunEventPublisher events;
    private final RunnerSettings settings;
    private final RolloutSettings rollout;
    private final Clock clock;
    private final List<BudgetExemption> exemptions;
    private final List<AdmissionGate> gates;
    private final Map<String, RunCache> cache = new ConcurrentHashMap<>();

    @Inject
    public RolloutScheduler(RolloutStore store, RunSizes runSizes, RunTargetStore targets, OutcomeRecorder recorder,
            RunEventPublisher events, RunnerSettings settings, RolloutSettings rollout, Clock clock,
            Instance<BudgetExemption> exemptions, Instance<AdmissionGate> gates) {
        this(store, runSizes, targets, recorder, events, settings, rollout, clock, exemptions.stream().toList(),
                gates.stream().toList());
    }

    /** Without CDI (benchmarks, tests): the hooks as lists. */
    public RolloutScheduler(RolloutStore store, RunSizes runSizes, RunTargetStore targets, OutcomeRecorder recorder,
            RunEventPublisher events, RunnerSettings settings, RolloutSettings rollout, Clock clock,
            List<BudgetExemption> exemptions, List<AdmissionGate> gates) {
        this.store = store;
        this.runSizes = runSizes;
        this.targets = targets;
        this.recorder = recorder;
        this.events = events;
        this.settings = settings;
        this.rollout = rollout;
        this.clock = clock;
        this.exemptions = List.copyOf(exemptions);
        this.gates = List.copyOf(gates);
    }

    // ---- arrivals ---------------------------------------------------------------------------------------------

    /** Arrivals of one batch in transit: what {@link #completeArrivals} counts once their records are stored. */
    public static final class Arrivals {

        private final Map<String, RunArrivals> byRun = new LinkedHashMap<>();

        /** Record id → nonce of this attempt, for the store's insert. */
        public Map<String, String> nonces() {
            Map<String, String> nonces = new HashMap<>();
            byRun.values().forEach(r -> r.entries.forEach((id, t) -> nonces.put(id, t.nonce())));
            return nonces;
        }
    }

    private static final class RunArrivals {

        final RunContext run;
        final String batch = nonce();
        final Map<String, RolloutState.Transit> entries = new LinkedHashMap<>();
        final List<RolloutStore.ClusterFact> clusterFacts = new ArrayList<>();
        RolloutState state;

        RunArrivals(RunContext run) {
            this.run = run;
        }
    }

    /**
     * The first step of taking targets in, before their records are written: registers their runs, their cluster
     * membership, and their arrival as a fact in transit (one update per run), so that a crash after it leaves
     * nothing the repair cannot count.
     */
    public Arrivals beginArrivals(List<RunTarget> fresh) {
        Arrivals arrivals = new Arrivals();
        for (RunTarget record : fresh) {
            RunArrivals run = arrivals.byRun.computeIfAbsent(record.runId(), id -> new RunArrivals(record.run()));
            run.entries.put(record.id(), arrivalEntry(record, run.batch));
            String cluster = clusterOf(record.target());
            if (cluster != null) {
                run.clusterFacts.add(new RolloutStore.ClusterFact(cluster, record.targetId(), record.target().role(),
                        record.state() == TargetState.DONE));
            }
        }
        for (RunArrivals run : arrivals.byRun.values()) {
            // Membership before the arrival is counted: a primary that sees every target arrived sees its nodes.
            store.clusterFacts(run.run.runId(), run.clusterFacts);
            run.state = store.beginTransit(run.run, new ArrayList<>(run.entries.values()));
            refreshed(run.run.runId(), run.state);
        }
        return arrivals;
    }

    private RolloutState.Transit arrivalEntry(RunTarget record, String batch) {
        Map<String, Integer> increments = new HashMap<>();
        increments.put(RolloutState.ARRIVED, 1);
        String domain = null;
        if (record.state() == TargetState.DONE) {
            increments.put(RolloutState.FINISHED, 1);
            if (record.outcome() instanceof PatchFailed failed) {
                increments.put(RolloutState.FAILED, 1);
                if (!exempt(failed)) {
                    increments.put(RolloutState.BUDGET_FAILURES, 1);
                    domain = domainOf(record.run(), record.target());
                }
            }
        }
        return new RolloutState.Transit(record.targetId(), nonce(), batch, RolloutState.TransitKind.ARRIVAL,
                increments, domain, null, false, false);
    }

    /**
     * The last step of taking targets in, once their records are stored: counts, in one update per run, the
     * arrivals whose record this attempt inserted, and removes the batch. (A record an earlier attempt inserted
     * and died before counting is counted by the repair, from that attempt's batch.)
     */
    public void completeArrivals(Arrivals arrivals, List<RunTargetStore.Stored> stored) {
        Map<String, RunTargetStore.Stored> byId = new HashMap<>();
        stored.forEach(s -> byId.put(s.record().id(), s));
        for (RunArrivals run : arrivals.byRun.values()) {
            List<RolloutState.Transit> winners = new ArrayList<>();
            for (Map.Entry<String, RolloutState.Transit> e : run.entries.entrySet()) {
                RunTargetStore.Stored s = byId.get(e.getKey());
                if (s != null && s.inserted()) {
                    winners.add(e.getValue());
                }
            }
            store.applyTransit(run.run.runId(), run.batch, winners).ifPresent(s -> refreshed(run.run.runId(), s));
            if (winners.stream().anyMatch(w -> w.increments().containsKey(RolloutState.BUDGET_FAILURES))) {
                enforceBudget(run.run.runId());
            }
        }
    }

    // ---- dispatch -------------------------------------------------------------------------------------------

    /** A target the dispatcher may execute now, under the admission {@code token}. */
    public record Start(ReadyTarget target, long token, boolean canaryMember, boolean joinedCanary) {

        RolloutState.InFlight entry() {
            return new RolloutState.InFlight(target.targetId(), token, target.clusterId());
        }
    }

    /** A target to end without starting it ({@code PatchNotStarted}). */
    public record End(ReadyTarget target, Decision decision) {
    }

    /**
     * What one pass decided for one run's queued targets.
     *
     * @param starts execute these (their slots are taken)
     * @param ends end these without starting them
     * @param waiting whether the run's remaining candidates wait for a change of its state (limit, batch, gate,
     *        halt); {@code false}: only the ones skipped wait (cluster order, not yet due, held by a gate)
     * @param wakeAt when something time-based may change the answer (cutoff, timer gate, a due target), or
     *        {@code null}
     */
    public record Pass(List<Start> starts, List<End> ends, boolean waiting, Instant wakeAt) {

        static Pass nothing(Instant wakeAt) {
            return new Pass(List.of(), List.of(), true, wakeAt);
        }
    }

    /**
     * One dispatch pass over one run: decides its queued {@code candidates} in order against the cached state,
     * at most {@code slots} starts, and writes every new start in one optimistic update.
     */
    public Pass admit(String runId, List<ReadyTarget> candidates, int slots) {
        Map<String, ReadyTarget> byTargetId = new HashMap<>();
        candidates.forEach(c -> byTargetId.putIfAbsent(c.targetId(), c));
        return admit(runId, candidates, byTargetId::get, slots);
    }

    /**
     * As {@link #admit(String, List, int)}, with {@code queued} answering which queued target (if any) has a given
     * target id: the run's in-flight targets are looked up there, so that a pass costs the same however long the
     * queue behind its candidates is.
     */
    public Pass admit(String runId, List<ReadyTarget> candidates, Function<String, ReadyTarget> queued, int slots) {
        for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
            RunCache run = cached(runId, attempt > 0);
            if (run == null) {
                return Pass.nothing(null);
            }
            Outcome outcome = decide(run, candidates, queued, slots);
            if (outcome.retry) {
                continue;
            }
            if (outcome.admissions.isEmpty()) {
                // Only targets that already hold a slot (or none): nothing to write.
                return outcome.pass(List.copyOf(outcome.starts));
            }
            RolloutState before = outcome.base;
            Optional<RolloutState> after = store.admit(runId, before.version(), before.failed(), outcome.admissions);
            if (after.isEmpty()) {
                continue; // someone changed the state first: decide again on a fresh copy
            }
            long token = before.version() + 1;
            refreshed(runId, after.get());
            List<Start> starts = new ArrayList<>(outcome.starts);
            for (PendingStart p : outcome.pending) {
                starts.add(new Start(p.target, token, p.canaryMember, p.canaryMember));
            }
            return outcome.pass(starts);
        }
        return Pass.nothing(null);
    }

    private record PendingStart(ReadyTarget target, boolean canaryMember) {
    }

    /** What {@link #decide} found, before the admissions are written. */
    private static final class Outcome {

        RolloutState base;
        final List<Start> starts = new ArrayList<>();
        final List<PendingStart> pending = new ArrayList<>();
        final List<RolloutStore.Admission> admissions = new ArrayList<>();
        final List<End> ends = new ArrayList<>();
        boolean waiting;
        boolean retry;
        Instant wakeAt;

        void wakeAt(Instant at) {
            if (at != null && (wakeAt == null || at.isBefore(wakeAt))) {
                wakeAt = at;
            }
        }

        Pass pass(List<Start> allStarts) {
            return new Pass(allStarts, List.copyOf(ends), waiting, wakeAt);
        }
    }

    private Outcome decide(RunCache run, List<ReadyTarget> candidates, Function<String, ReadyTarget> queued,
            int slots) {
        Outcome out = new Outcome();
        RolloutState base = run.state;
        out.base = base;
        RolloutState scratch = base;
        RolloutPlan plan = run.plan;
        Instant now = clock.instant();
        if (plan != null && plan.notAfter() != null && now.isBefore(plan.notAfter())) {
            out.wakeAt(plan.notAfter().plusMillis(1));
        }
        if (plan != null && "timer".equals(plan.gate()) && base.gateUntil() != null) {
            out.wakeAt(base.gateUntil());
        }
        // Targets that already hold a slot (their runner died or their claim lapsed, and they were queued again)
        // go first and on their own admission, whatever the policy says of the others: a queued target that
        // must wait (limit reached — by these very slots —, a gate, a halt) ends the policy's look at the run,
        // and must not keep them from ever running again behind it.
        // Looked up by id (at most the run's concurrency), not found by reading every queued candidate: while the
        // run is busy its in-flight targets are executing, not queued, and the queue can be thousands long.
        Set<String> holding = new HashSet<>();
        for (RolloutState.InFlight existing : base.inFlight()) {
            holding.add(existing.targetId());
            ReadyTarget candidate = out.starts.size() < slots ? queued.apply(existing.targetId()) : null;
            if (candidate != null) {
                out.starts.add(new Start(candidate, existing.token(), base.canary().contains(existing.targetId()),
                        false));
            }
        }
        Map<String, ClusterState> clusters = new HashMap<>();
        int looked = 0;
        for (ReadyTarget candidate : candidates) {
            // Ends run on workers too: they count against the free workers of this pass.
            if (out.starts.size() + out.pending.size() + out.ends.size() >= slots || looked++ >= PASS_SCAN) {
                break;
            }
            if (holding.contains(candidate.targetId())) {
                continue; // started above (or waits for a free worker)
            }
            if (candidate.notBefore() != null && candidate.notBefore().isAfter(now)
                    && !scratch.isInFlight(candidate.targetId())) {
                out.wakeAt(candidate.notBefore());
                continue;
            }
            RolloutPlanner.Candidate c = new RolloutPlanner.Candidate(candidate.targetId(), candidate.clusterId(),
                    candidate.role(), candidate.landingZone());
            ClusterState cluster = null;
            if (c.clusterId() != null && RolloutPlanner.isPrimary(c.role())
                    && scratch.inFlightMemberOf(c.clusterId()) == null) {
                // Only a primary needs its cluster's nodes; loaded once per pass.
                cluster = clusters.computeIfAbsent(c.clusterId(), id -> store.cluster(run.run.runId(), id));
            }
            Decision d = RolloutPlanner.decide(plan, scratch, c, cluster, run.count, now);
            switch (d.kind()) {
                case START -> {
                    if (scratch.isInFlight(c.id())) {
                        continue; // the same target twice in one pass
                    }
                    AdmissionGate.Verdict verdict = gates(run.run, c,
                            run.count != null && scratch.arrived() >= run.count);
                    if (verdict.kind() == AdmissionGate.Verdict.Kind.WAIT) {
                        LOG.debugf("%s held: %s", candidate.id(), verdict.reason());
                        continue;
                    }
                    if (verdict.kind() == AdmissionGate.Verdict.Kind.REFUSED) {
                        // Through the end path: its claim makes the end happen once, whoever decided it.
                        out.ends.add(new End(candidate, Decision.end(Decision.EndStatus.REFUSED, verdict.reason())));
                        continue;
                    }
                    boolean canaryMember = plan.canary() && scratch.started() < plan.canarySize();
                    out.admissions.add(new RolloutStore.Admission(c.id(), c.clusterId(), canaryMember));
                    out.pending.add(new PendingStart(candidate, canaryMember));
                    // Token 0 until written: later candidates of this pass see the slot taken.
                    scratch = scratch.withStarted(c.id(), 0, c.clusterId(), canaryMember);
                }
                case WAIT_RUN -> {
                    out.waiting = true;
                    return out;
                }
                case WAIT_TARGET -> {
                    // this one waits its turn; the next may go
                }
                case END -> out.ends.add(new End(candidate, d));
                case HALT -> {
                    if (!out.admissions.isEmpty()) {
                        // Decided on the same state as the admissions before it: write those first.
                        return out;
                    }
                    if (!base.halted()) {
                        store.apply(run.run.runId(), base.version(),
                                haltChange(run.run.runId(), base, d.haltKind(), d.reason(), now, plan));
                        publishPending();
                    }
                    invalidate(run.run.runId());
                    out.waiting = true;
                    return out;
                }
                case GATE -> {
                    if (!out.admissions.isEmpty()) {
                        return out;
                    }
                    if (gate(run, base, now)) {
                        out.retry = true; // opened: decide again on the new state
                    } else {
                        out.waiting = true;
                        if (base.gateUntil() != null) {
                            out.wakeAt(base.gateUntil());
                        }
                    }
                    return out;
                }
                default -> throw new IllegalStateException(d.kind().name());
            }
        }
        return out;
    }

    /** The first answer of the admission gates that is not OPEN, or OPEN. */
    private AdmissionGate.Verdict gates(RunContext run, RolloutPlanner.Candidate candidate, boolean allArrived) {
        for (AdmissionGate gate : gates) {
            AdmissionGate.Verdict verdict = gate.admit(run, candidate, allArrived);
            if (verdict.kind() != AdmissionGate.Verdict.Kind.OPEN) {
                return verdict;
            }
        }
        return AdmissionGate.Verdict.open();
    }

    /** Moves the canary gate along; true when it opened (candidates are decided again). */
    private boolean gate(RunCache run, RolloutState s, Instant now) {
        RolloutPlan plan = run.plan;
        String runId = run.run.runId();
        String gate = plan.gate();
        if (s.gateState() == null) {
            Instant until = "timer".equals(gate) ? now.plusSeconds(plan.bakeSeconds()) : null;
            String why = "canary batch of " + s.canary().size() + " verified"
                    + ("timer".equals(gate) ? "; baking " + plan.bakeSeconds() + "s" : "; waiting for approval");
            List<RolloutStore.PendingEvent> out = List.of(pending(
                    new RunGateChanged(runId, gate, RunGateChanged.GateState.WAITING, why, until, now), 0));
            store.apply(runId, s.version(),
                    new RolloutStore.Change(null, null, null, null, null, "WAITING", until, null, false, false, out));
            publishPending();
            invalidate(runId);
            return "timer".equals(gate) && plan.bakeSeconds() <= 0;
        }
        if ("timer".equals(gate) && "WAITING".equals(s.gateState())
                && (s.gateUntil() == null || !now.isBefore(s.gateUntil()))) {
            List<RolloutStore.PendingEvent> out = List.of(pending(new RunGateChanged(runId, gate,
                    RunGateChanged.GateState.TIMER_ELAPSED, "bake time of " + plan.bakeSeconds() + "s elapsed", null,
                    now), 1));
            store.apply(runId, s.version(), new RolloutStore.Change(null, null, null, null, null, "TIMER_ELAPSED",
                    null, null, false, false, out));
            publishPending();
            invalidate(runId);
            return true;
        }
        return false;
    }

    /**
     * After a worker is done with a started target: counts its outcome and frees its slot, or gives the slot back
     * when the target went back to the queue (or the admission was stale), as its record says.
     *
     * @param claimed whether this worker held the target's claim (it executed, or queued it again)
     * @param recorded the outcome this worker recorded for it, if it did (then its record is not read again)
     * @return when the target is due again, if this worker put it back in the queue
     */
    public Optional<Instant> afterExecution(Start start, boolean claimed, PatchflowEvent recorded) {
        String runId = start.target().runId();
        RolloutState.InFlight entry = start.entry();
        ReadyTarget t = start.target();
        if (claimed && recorded != null) {
            // Recorded under this worker's claim, whose slot is this admission's token.
            finish(runId, entry, recorded, t.landingZone(), t.role(), start.canaryMember());
            return Optional.empty();
        }
        RunTargetStore.Facts facts = targets.facts(List.of(t.id())).get(t.id());
        if (facts == null) {
            unstart(runId, entry, start.joinedCanary());
        } else if (facts.state() == TargetState.DONE) {
            if (facts.slot() == start.token()) {
                finish(runId, entry, facts.outcome(), landingZone(facts), role(facts), start.canaryMember());
            } else {
                // Finished under another admission, or ended without one: this admission was stale.
                unstart(runId, entry, start.joinedCanary());
            }
        } else if (facts.state() == TargetState.READY && claimed) {
            // Back in the queue (its ledger entry or lock is busy): the slot is free until it starts again.
            unstart(runId, entry, false);
            return Optional.of(facts.notBefore() == null ? clock.instant() : facts.notBefore());
        }
        // RUNNING: interrupted by a shutdown (it keeps its slot and resumes after its lease), or another owner's.
        return Optional.empty();
    }

    private static String landingZone(RunTargetStore.Facts f) {
        return f.target() == null ? null : f.target().landingZone();
    }

    private static String role(RunTargetStore.Facts f) {
        return f.target() == null ? null : f.target().role();
    }

    private void unstart(String runId, RolloutState.InFlight entry, boolean leaveCanary) {
        store.unstart(runId, entry, leaveCanary).ifPresent(s -> refreshed(runId, s));
    }

    /** Counts a started target's recorded outcome, once: the in-flight entry goes in the same update. */
    private void finish(String runId, RolloutState.InFlight entry, PatchflowEvent outcome, String landingZone,
            String role, boolean canaryMember) {
        boolean failed = outcome instanceof PatchFailed;
        boolean counts = failed && !exempt((PatchFailed) outcome);
        if (entry.clusterId() != null) {
            // The cluster learns the node finished before its slot frees: the primary looks at both.
            store.clusterFacts(runId, List.of(new RolloutStore.ClusterFact(entry.clusterId(), entry.targetId(), role,
                    true)));
        }
        Map<String, Integer> increments = new HashMap<>();
        increments.put(RolloutState.FINISHED, 1);
        if (failed) {
            increments.put(RolloutState.FAILED, 1);
        }
        if (counts) {
            increments.put(RolloutState.BUDGET_FAILURES, 1);
        }
        RunCache run = counts ? cached(runId, false) : null;
        String domain = run == null ? null : domainOf(run.run, entry.clusterId(), landingZone);
        Optional<RolloutState> after = store.finish(runId, entry, increments, domain, failed && canaryMember);
        after.ifPresent(s -> refreshed(runId, s));
        if (after.isPresent() && failed) {
            enforceBudget(runId);
        }
    }

    /** Ends a queued target without starting it ({@code PatchNotStarted}), counted once; runs on a worker. */
    public void end(End end) {
        ReadyTarget t = end.target();
        String owner = settings.instanceId();
        Instant now = clock.instant();
        RunTargetStore.Claim claim = targets.claim(t.id(), owner, now, now.plusSeconds(t.leaseSeconds()), 0);
        if (!(claim instanceof RunTargetStore.Claimed claimed)) {
            return; // executing or ending elsewhere, or done
        }
        RunTarget record = claimed.record();
        if (claimed.before() != TargetState.READY) {
            // Its runner died while it ran and it is not in flight: back to the queue, decided again.
            targets.retryLater(t.id(), owner, now);
            return;
        }
        PatchNotStarted outcome = new PatchNotStarted(record.run(), record.target(),
                PatchNotStarted.NotStartedStatus.valueOf(end.decision().endStatus().name()), end.decision().reason());
        String cluster = clusterOf(record.target());
        String nonce = nonce();
        RolloutState.Transit entry = new RolloutState.Transit(record.targetId(), nonce, nonce,
                RolloutState.TransitKind.END, Map.of(RolloutState.FINISHED, 1), null, cluster, false, false);
        store.addTransit(t.runId(), List.of(entry));
        targets.endClaimed(t.id(), outcome, now, entry.nonce());
        if (cluster != null) {
            store.clusterFacts(t.runId(), List.of(new RolloutStore.ClusterFact(cluster, record.targetId(),
                    record.target().role(), true)));
        }
        store.applyTransit(t.runId(), entry.batch(), List.of(entry)).ifPresent(s -> refreshed(t.runId(), s));
        recorder.emit(t.id(), outcome);
    }

    // ---- validations ----------------------------------------------------------------------------------------

    /** A validation result for a target of a run this runner scheduled; a redelivery changes nothing. */
    public void validated(String runId, String targetId, boolean passed) {
        Optional<RolloutState> state = store.state(runId);
        if (state.isEmpty()) {
            return; // not a run of this runner (or not yet): nothing to count
        }
        String id = RunTarget.idOf(runId, targetId);
        RunTargetStore.Facts facts = targets.facts(List.of(id)).get(id);
        if (facts == null || facts.firstValidation() != null) {
            // Not a target of this runner; or its result was recorded before: counted then (or, if the attempt
            // that recorded it died before counting it, by the repair from that attempt's entry).
            return;
        }
        boolean canary = state.get().canary().contains(targetId);
        Map<String, Integer> increments = passed
                ? Map.of(RolloutState.VERIFIED, 1)
                : Map.of(RolloutState.FAILED, 1, RolloutState.BUDGET_FAILURES, 1);
        RunCache run = cached(runId, false);
        String domain = !passed && run != null ? domainOf(run.run, facts.target()) : null;
        String nonce = nonce();
        RolloutState.Transit mine = new RolloutState.Transit(targetId, nonce, nonce,
                RolloutState.TransitKind.VALIDATION, increments, domain, null, passed && canary, !passed && canary);
        store.addTransit(runId, List.of(mine));
        Optional<String> winner = targets.recordValidation(id, nonce, passed);
        boolean counts = winner.isPresent() && winner.get().equals(nonce);
        store.applyTransit(runId, nonce, counts ? List.of(mine) : List.of()).ifPresent(s -> refreshed(runId, s));
        if (counts && !passed) {
            enforceBudget(runId);
        }
    }

    // ---- repair ---------------------------------------------------------------------------------------------

    /**
     * Counts what a crash left uncounted, from the runs' entries in flight and in transit (bounded by the work in
     * progress, never by the runs' sizes): a record that is DONE under its admission's token is finished; a
     * transit entry whose record names it the winner is applied; the others are removed.
     *
     * @return the number of entries it counted or removed
     */
    public int repair() {
        int repaired = 0;
        for (String runId : store.runsInProgress(1000)) {
            try {
                repaired += repair(runId);
            } catch (RuntimeException e) {
                LOG.warnf(e, "cannot repair the rollout state of run %s; trying again later", runId);
            }
        }
        return repaired;
    }

    private int repair(String runId) {
        Optional<RolloutState> loaded = store.state(runId);
        if (loaded.isEmpty()) {
            return 0;
        }
        RolloutState s = loaded.get();
        List<String> ids = new ArrayList<>();
        s.transit().forEach(t -> ids.add(RunTarget.idOf(runId, t.targetId())));
        s.inFlight().forEach(f -> ids.add(RunTarget.idOf(runId, f.targetId())));
        Map<String, RunTargetStore.Facts> facts = targets.facts(ids);
        Map<String, List<RolloutState.Transit>> batches = new LinkedHashMap<>();
        s.transit().forEach(t -> batches.computeIfAbsent(t.batch(), b -> new ArrayList<>()).add(t));
        int repaired = 0;
        for (Map.Entry<String, List<RolloutState.Transit>> batch : batches.entrySet()) {
            List<RolloutState.Transit> winners = winners(runId, batch.getValue(), facts);
            if (winners == null) {
                continue; // its attempt is still between its steps
            }
            for (RolloutState.Transit w : winners) {
                if (w.kind() == RolloutState.TransitKind.END && w.clusterId() != null) {
                    RunTargetStore.Facts f = facts.get(RunTarget.idOf(runId, w.targetId()));
                    store.clusterFacts(runId, List.of(new RolloutStore.ClusterFact(w.clusterId(), w.targetId(),
                            f == null ? null : role(f), true)));
                }
            }
            store.applyTransit(runId, batch.getKey(), winners).ifPresent(after -> refreshed(runId, after));
            repaired += batch.getValue().size();
            if (winners.stream().anyMatch(w -> w.increments().containsKey(RolloutState.FAILED))) {
                enforceBudget(runId);
            }
        }
        for (RolloutState.InFlight entry : s.inFlight()) {
            RunTargetStore.Facts f = facts.get(RunTarget.idOf(runId, entry.targetId()));
            if (f == null) {
                unstart(runId, entry, false);
                repaired++;
            } else if (f.state() == TargetState.DONE) {
                if (f.slot() == entry.token()) {
                    finish(runId, entry, f.outcome(), landingZone(f), role(f), s.canary().contains(entry
                            .targetId()));
                } else {
                    unstart(runId, entry, false);
                }
                repaired++;
            }
        }
        return repaired;
    }

    /**
     * The entries of one batch whose records name them the attempt that wrote their fact; {@code null} when the
     * batch cannot be decided yet (a record its attempt may still be writing).
     */
    private List<RolloutState.Transit> winners(String runId, List<RolloutState.Transit> batch,
            Map<String, RunTargetStore.Facts> facts) {
        List<RolloutState.Transit> winners = new ArrayList<>();
        for (RolloutState.Transit t : batch) {
            String id = RunTarget.idOf(runId, t.targetId());
            RunTargetStore.Facts f = facts.get(id);
            switch (t.kind()) {
                case ARRIVAL -> {
                    if (f == null) {
                        return null; // not inserted yet (or never: then its redelivery inserts it anew)
                    }
                    if (t.nonce().equals(f.arrivalNonce())) {
                        winners.add(t);
                    }
                }
                case END -> {
                    if (f != null && f.state() != TargetState.DONE) {
                        return null; // between its steps, or died before ending the record: a later end decides
                    }
                    if (f != null && t.nonce().equals(f.endNonce())) {
                        winners.add(t);
                    }
                }
                case VALIDATION -> {
                    if (f == null) {
                        continue;
                    }
                    String first = f.firstValidation();
                    if (first == null) {
                        // Its attempt died before recording the result on the record: record it on its behalf.
                        first = targets.recordValidation(id, t.nonce(), t.increments().containsKey(
                                RolloutState.VERIFIED)).orElse(null);
                    }
                    if (t.nonce().equals(first)) {
                        winners.add(t);
                    }
                }
                default -> throw new IllegalStateException(t.kind().name());
            }
        }
        return winners;
    }

    // ---- operator actions, budget, events -----------------------------------------------------------------

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
                    out.add(pending(new RunHalted(runId, RunHalted.HaltCause.OPERATOR, why, s.failed(), now,
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
                    change = new RolloutStore.Change(false, null, null, null, null, gate, null, s.budgetFailures(),
                            false, true, out);
                }
                case CANCEL -> {
                    String why = "cancelled by " + actor + (reason == null ? "" : ": " + reason);
                    change = new RolloutStore.Change(null, null, null, true, why, null, null, null, false, true, out);
                }
                default -> throw new IllegalArgumentException("unknown action " + action);
            }
            if (store.apply(runId, s.version(), change)) {
                invalidate(runId);
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
        return plan(run, runSizes.targetCount(run.runId()).orElse(null));
    }

    private RolloutPlan plan(RunContext run, Integer count) {
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
            RunCache run = cached(runId, i > 0);
            if (run == null) {
                return;
            }
            RolloutState s = run.state;
            RolloutPlan plan = run.plan;
            if (s.halted() || s.cancelled() || plan == null) {
                return;
            }
            RolloutStore.Change change = null;
            Instant now = clock.instant();
            if (plan.canary() && !s.gatePassed() && !s.canaryFailed().isEmpty()) {
                change = haltChange(runId, s, RolloutState.HaltKind.CANARY_FAILED,
                        "canary failed: " + String.join(", ", s.canaryFailed().stream().sorted().toList()), now, plan);
            } else if (RolloutPlanner.budgetExceeded(plan.maxErrors(), s.countedFailures())) {
                change = haltChange(runId, s, RolloutState.HaltKind.BUDGET_EXCEEDED,
                        RolloutPlanner.budgetReason(s.countedFailures(), plan.maxErrors()), now, plan);
            }
            if (change == null) {
                return;
            }
            if (store.apply(runId, s.version(), change)) {
                invalidate(runId);
                publishPending();
                return;
            }
        }
    }

    private RolloutStore.Change haltChange(String runId, RolloutState s, RolloutState.HaltKind kind, String reason,
            Instant now, RolloutPlan plan) {
        List<RolloutStore.PendingEvent> out = new ArrayList<>();
        int seq = s.haltCount() + 1;
        out.add(pending(new RunHalted(runId, RunHalted.HaltCause.valueOf(kind.name()), reason, s.failed(), now, seq),
                seq));
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

    // ---- the cache of run states ------------------------------------------------------------------------------

    /** What the scheduler keeps of a run between passes: small, refreshed from every update's result. */
    private static final class RunCache {

        final RunContext run;
        volatile RolloutState state;
        volatile Integer count;
        volatile RolloutPlan plan;
        volatile Instant loadedAt;
        volatile Instant usedAt;

        RunCache(RunContext run, RolloutState state, Integer count, RolloutPlan plan, Instant now) {
            this.run = run;
            this.state = state;
            this.count = count;
            this.plan = plan;
            this.loadedAt = now;
            this.usedAt = now;
        }
    }

    /**
     * The run's cached state; read again when {@code reload}, when the scan count is still unknown or when the
     * copy is older than the poll interval (another replica may have changed it without this one noticing).
     */
    private RunCache cached(String runId, boolean reload) {
        Instant now = clock.instant();
        RunCache run = cache.get(runId);
        if (run == null) {
            Optional<RolloutStore.Loaded> loaded = store.load(runId);
            if (loaded.isEmpty()) {
                if (!adoptRun(runId)) {
                    return null;
                }
                loaded = store.load(runId);
                if (loaded.isEmpty()) {
                    return null;
                }
            }
            RunContext context = loaded.get().run();
            Integer count = runSizes.targetCount(runId).orElse(null);
            run = new RunCache(context, loaded.get().state(), count, plan(context, count), now);
            RunCache raced = cache.putIfAbsent(runId, run);
            return raced == null ? run : raced;
        }
        run.usedAt = now;
        if (reload || now.isAfter(run.loadedAt.plus(settings.pollInterval()))) {
            Optional<RolloutState> fresh = store.state(runId);
            if (fresh.isEmpty()) {
                cache.remove(runId);
                return null;
            }
            synchronized (run) {
                run.state = fresh.get();
                run.loadedAt = now;
                if (run.count == null) {
                    run.count = runSizes.targetCount(runId).orElse(null);
                    run.plan = plan(run.run, run.count);
                }
            }
        }
        return run;
    }

    /** A newer copy of a run's state (the result of an update): kept if it is newer than the cached one. */
    private void refreshed(String runId, RolloutState state) {
        RunCache run = cache.get(runId);
        if (run == null) {
            return;
        }
        synchronized (run) {
            if (state.rev() > run.state.rev()) {
                run.state = state;
            }
        }
    }

    /** The cached copy of a run is stale (a flag changed): the next use reads it. */
    public void invalidate(String runId) {
        RunCache run = cache.get(runId);
        if (run != null) {
            run.loadedAt = Instant.MIN;
        }
    }

    /** A run's scanned target count became known: percentages of it can be resolved now. */
    public void targetCountKnown(String runId) {
        RunCache run = cache.get(runId);
        if (run != null) {
            Integer count = runSizes.targetCount(runId).orElse(null);
            synchronized (run) {
                run.count = count;
                run.plan = plan(run.run, count);
            }
        }
    }

    /** Forgets runs not used for a while (their state is read again if they come back). */
    public void evictIdle() {
        Instant horizon = clock.instant().minus(CACHE_IDLE);
        cache.values().removeIf(r -> r.usedAt.isBefore(horizon));
    }

    /**
     * The run's targets were recorded without rollout state (by a runner from before it, or directly in the
     * store): its state is created once, counted from its records (a scan of the run's records, on this path only).
     */
    private boolean adoptRun(String runId) {
        List<RunTarget> records = targets.findByRun(runId);
        if (records.isEmpty()) {
            return false;
        }
        int finished = 0;
        int failed = 0;
        int budgetFailures = 0;
        for (RunTarget t : records) {
            if (t.state() == TargetState.DONE) {
                finished++;
                if (t.outcome() instanceof PatchFailed f) {
                    failed++;
                    if (!exempt(f)) {
                        budgetFailures++;
                    }
                }
            }
        }
        store.adopt(records.get(0).run(), records.size(), finished, failed, budgetFailures);
        return true;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private boolean exempt(PatchFailed failure) {
        if (!ErrorBudget.counts(failure)) {
            return true; // its executor marked it (SSM: never delivered to the instance)
        }
        for (BudgetExemption exemption : exemptions) {
            if (exemption.exempts(failure)) {
                return true;
            }
        }
        return false;
    }

    /** The target's failure domain when its run has a domain budget, else {@code null}. */
    private static String domainOf(RunContext run, Target target) {
        return target == null ? null : domainOf(run, clusterOf(target), target.landingZone());
    }

    private static String domainOf(RunContext run, String clusterId, String landingZone) {
        RolloutPolicy policy = run.options().rollout();
        if (policy == null || policy.maxErrorsPerDomain() == null) {
            return null;
        }
        return RolloutPolicy.DomainErrorBudget.CLUSTER.equals(policy.maxErrorsPerDomain().domain())
                ? clusterId
                : landingZone;
    }

    private static String clusterOf(Target target) {
        return target.clusterId() == null || target.clusterId().isBlank() ? null : target.clusterId();
    }

    /** Unique per attempt (it only has to differ from every other attempt's for the same target). */
    private static String nonce() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
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
