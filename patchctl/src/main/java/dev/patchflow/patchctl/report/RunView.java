package dev.patchflow.patchctl.report;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A run as report-svc's {@code GET /api/runs/{id}} shows it (see docs/PIPELINE-SEMANTICS.md). Only
 * what patchctl prints is mapped; unknown fields are ignored so that report-svc can grow the view.
 * Timestamps stay text: patchctl shows them, it does not compute with them.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunView(String runId, String state, String outcome, String reason, Patch patch, String requestedBy,
        String requestedAt, String completedAt, Boolean dryRun, Integer expectedTargets, Counts counts,
        String reportLocation, List<TargetView> targets, List<Drift> drift, String haltCause) {

    public static final String COMPLETED = "COMPLETED";
    /** The runner halted the run (error budget, failed canary, operator): it waits for a resume or a cancel. */
    public static final String HALTED = "HALTED";

    public RunView {
        targets = targets == null ? List.of() : targets;
        drift = drift == null ? List.of() : drift;
        counts = counts == null ? Counts.NONE : counts;
    }

    /** A run that is not halted ({@code haltCause} {@code null}). */
    public RunView(String runId, String state, String outcome, String reason, Patch patch, String requestedBy,
            String requestedAt, String completedAt, Boolean dryRun, Integer expectedTargets, Counts counts,
            String reportLocation, List<TargetView> targets, List<Drift> drift) {
        this(runId, state, outcome, reason, patch, requestedBy, requestedAt, completedAt, dryRun, expectedTargets,
                counts, reportLocation, targets, drift, null);
    }

    public boolean completed() {
        return COMPLETED.equals(state);
    }

    /** Halted: nothing new starts until {@code patchctl runs resume} or {@code cancel}; {@code reason} says why. */
    public boolean halted() {
        return HALTED.equals(state);
    }

    /** The run's targets that have not ended yet (a halted run's waiting targets among them). */
    public List<TargetView> pendingTargets() {
        return targets.stream().filter(t -> "PENDING".equals(t.status())).toList();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Patch(String id, String version) {
    }

    /** A target whose version is not the one wanted (a dry run's drift). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Drift(String targetId, String versionFound, String versionWanted) {
    }

    /** The report's counters; absent numbers read as 0. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Counts(int scanned, int backedUp, int backupSkipped, int backupFailed, int applied,
            int alreadyApplied, int dryRun, int patchSkipped, int patchFailed, int validationPassed,
            int validationSkipped, int validationFailed, int terminal, int succeeded, int failed) {

        static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TargetView(String targetId, String name, String kind, String environment, String landingZone,
            String installedVersion, String status, String phase, String reason, Step backup, Step patch,
            Validation validation) {

        public boolean failed() {
            return "FAILED".equals(status) || "FAILED".equals(phase);
        }

        /** Why the target failed, from the most specific place the report filled in. */
        public String failureReason() {
            if (reason != null && !reason.isBlank()) {
                return reason;
            }
            if (validation != null && "FAILED".equals(validation.status())) {
                List<String> failedChecks = validation.checks()
                        .stream()
                        .filter(check -> !check.passed())
                        .map(check -> check.name() + (check.detail() == null ? "" : ": " + check.detail()))
                        .toList();
                if (!failedChecks.isEmpty()) {
                    return "validation failed: " + String.join("; ", failedChecks);
                }
            }
            if (patch != null && patch.reason() != null) {
                return patch.reason();
            }
            if (backup != null && backup.reason() != null) {
                return backup.reason();
            }
            return "no reason given";
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Step(String status, String reason, Integer exitCode, String location) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Validation(String status, List<Check> checks, JsonNode failed) {

        public Validation {
            checks = checks == null ? List.of() : checks;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Check(String name, String type, boolean passed, String detail) {
    }
}
