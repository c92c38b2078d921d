package dev.patchflow.report.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOutcome;
import dev.patchflow.schemas.events.ZoneError;

/**
 * The stored view of one run.
 *
 * @param context the run context, as carried by the first event seen for the run
 * @param expectedTargets {@code ScanCompleted.targetCount}, {@code null} until the scan is complete
 * @param terminal how many targets have become terminal (an incremental counter, recounted by the
 *        reconciler when a run is idle)
 * @param counts the counts frozen at completion, {@code null} before
 * @param completedAt fixed when the run is claimed for completion, so a re-emitted RunCompleted is identical
 * @param rollout what the runner reported about the rollout (halts, gate, operator actions), {@code null} if
 *        nothing
 * @param zoneErrors the landing zones (or regions) the scanner could not scan, and why ({@code ScanCompleted}), in a
 *        defined order (landing zone, account, region, reason), whatever order the scanner listed them in
 * @param scanEndedAt the CloudEvent {@code time} of {@code ScanCompleted} or {@code RunRejected} (of its earliest copy):
 *        a fact of the log, one of the times {@link RunRules#completedAt} is taken from
 */
public record RunView(String runId, RunState state, RunContext context, boolean requested, boolean scanCompleted,
        Integer expectedTargets, boolean rejected, String reason, int terminal, RunOutcome outcome,
        ViewCounts counts, Instant createdAt, Instant completedAt, String reportLocation, RolloutView rollout,
        List<ZoneError> zoneErrors, Instant scanEndedAt) {

    /** Zone errors in this order in every format (the scanner may list them as its parallel scans end). */
    static final Comparator<ZoneError> ZONE_ERROR_ORDER = Comparator
            .comparing(ZoneError::landingZone, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(ZoneError::accountId, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(ZoneError::region, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
            .thenComparing(ZoneError::reason, Comparator.nullsFirst(Comparator.<String>naturalOrder()));

    public RunView {
        zoneErrors = zoneErrors == null ? List.of() : zoneErrors.stream().sorted(ZONE_ERROR_ORDER).toList();
    }

    public RunView(String runId, RunState state, RunContext context, boolean requested, boolean scanCompleted,
            Integer expectedTargets, boolean rejected, String reason, int terminal, RunOutcome outcome,
            ViewCounts counts, Instant createdAt, Instant completedAt, String reportLocation, RolloutView rollout,
            List<ZoneError> zoneErrors) {
        this(runId, state, context, requested, scanCompleted, expectedTargets, rejected, reason, terminal, outcome,
                counts, createdAt, completedAt, reportLocation, rollout, zoneErrors, null);
    }

    public RunView(String runId, RunState state, RunContext context, boolean requested, boolean scanCompleted,
            Integer expectedTargets, boolean rejected, String reason, int terminal, RunOutcome outcome,
            ViewCounts counts, Instant createdAt, Instant completedAt, String reportLocation, RolloutView rollout) {
        this(runId, state, context, requested, scanCompleted, expectedTargets, rejected, reason, terminal, outcome,
                counts, createdAt, completedAt, reportLocation, rollout, List.of());
    }

    public RunView(String runId, RunState state, RunContext context, boolean requested, boolean scanCompleted,
            Integer expectedTargets, boolean rejected, String reason, int terminal, RunOutcome outcome,
            ViewCounts counts, Instant createdAt, Instant completedAt, String reportLocation) {
        this(runId, state, context, requested, scanCompleted, expectedTargets, rejected, reason, terminal, outcome,
                counts, createdAt, completedAt, reportLocation, null);
    }
}
