package dev.patchflow.report.domain;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.patchflow.schemas.events.RunOutcome;
import dev.patchflow.schemas.events.ZoneError;

/**
 * A run as the API ({@code GET /api/runs/{id}}) and the four report formats show it. In the run list
 * {@code targets} is {@code null} and left out of the JSON.
 *
 * @param haltCause ({@code BUDGET_EXCEEDED}, {@code CANARY_FAILED}, {@code OPERATOR}, {@code POLICY_REFUSED}) set only
 *        while the run is {@code HALTED}, {@code reason} then says why
 * @param scannerOnly a {@code --scanner-only} run: its report is the inventory (left out of the JSON when false)
 * @param zoneErrors landing zones (or regions) that could not be scanned, and why (left out when none)
 */
@JsonPropertyOrder({"runId", "state", "haltCause", "outcome", "reason", "patch", "requestedBy", "requestedAt",
        "completedAt", "dryRun", "scannerOnly", "expectedTargets", "counts", "reportLocation", "zoneErrors",
        "rollout", "drift", "targets"})
public record RunReport(String runId, RunState state, RunOutcome outcome, String reason, PatchRef patch,
        String requestedBy, Instant requestedAt, Instant completedAt, boolean dryRun, Integer expectedTargets,
        ViewCounts counts, String reportLocation, @JsonInclude(JsonInclude.Include.NON_NULL) RolloutView rollout,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Drift> drift,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<TargetReport> targets,
        @JsonInclude(JsonInclude.Include.NON_NULL) String haltCause,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean scannerOnly,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ZoneError> zoneErrors) {

    public RunReport {
        zoneErrors = zoneErrors == null ? List.of() : List.copyOf(zoneErrors);
    }

    /** A run that is not an AWS one: not scanner-only, no zone errors. */
    public RunReport(String runId, RunState state, RunOutcome outcome, String reason, PatchRef patch,
            String requestedBy, Instant requestedAt, Instant completedAt, boolean dryRun, Integer expectedTargets,
            ViewCounts counts, String reportLocation, RolloutView rollout, List<Drift> drift,
            List<TargetReport> targets, String haltCause) {
        this(runId, state, outcome, reason, patch, requestedBy, requestedAt, completedAt, dryRun, expectedTargets,
                counts, reportLocation, rollout, drift, targets, haltCause, false, List.of());
    }

    public RunReport(String runId, RunState state, RunOutcome outcome, String reason, PatchRef patch,
            String requestedBy, Instant requestedAt, Instant completedAt, boolean dryRun, Integer expectedTargets,
            ViewCounts counts, String reportLocation, RolloutView rollout, List<Drift> drift,
            List<TargetReport> targets) {
        this(runId, state, outcome, reason, patch, requestedBy, requestedAt, completedAt, dryRun, expectedTargets,
                counts, reportLocation, rollout, drift, targets, null);
    }

    public RunReport(String runId, RunState state, RunOutcome outcome, String reason, PatchRef patch,
            String requestedBy, Instant requestedAt, Instant completedAt, boolean dryRun, Integer expectedTargets,
            ViewCounts counts, String reportLocation, List<TargetReport> targets) {
        this(runId, state, outcome, reason, patch, requestedBy, requestedAt, completedAt, dryRun, expectedTargets,
                counts, reportLocation, null, null, targets);
    }

    /** A target whose version is not the one wanted (drift audit). */
    public record Drift(String targetId, String versionFound, String versionWanted) {
    }

    /** The patch of the run, by its ledger identity. */
    public record PatchRef(String id, String version) {
    }

    public RunReport withoutTargets() {
        return new RunReport(runId, state, outcome, reason, patch, requestedBy, requestedAt, completedAt, dryRun,
                expectedTargets, counts, reportLocation, rollout, null, null, haltCause, scannerOnly, zoneErrors);
    }

    /**
     * Why a target that has not ended waits, when the run says so: {@code run halted: <reason>} while the run is
     * {@code HALTED}, else {@code null}.
     */
    public String waitReason() {
        return state == RunState.HALTED ? "run halted: " + reason : null;
    }

    /** Whether the run is still in progress (the dashboard keeps refreshing). */
    public boolean inProgress() {
        return state != RunState.COMPLETED;
    }
}
