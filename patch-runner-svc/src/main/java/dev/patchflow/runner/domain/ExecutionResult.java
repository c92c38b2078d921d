package dev.patchflow.runner.domain;

import java.time.Duration;
import java.util.Map;

import dev.patchflow.schemas.events.PatchStatus;

/**
 * How one execution ended.
 *
 * @param exitCode the exit code, if the executor has one (a killed process has none)
 * @param failureReason why it failed, {@code null} when it succeeded
 * @param details executor-specific facts for the report
 * @param status the {@code PatchApplied} status of a success when the executor decides it
 *        ({@code ALREADY_APPLIED}, {@code SKIPPED}); {@code null}: {@code APPLIED}, or {@code DRY_RUN} in a dry run
 */
public record ExecutionResult(boolean succeeded, Integer exitCode, String failureReason, Duration duration,
        Map<String, String> details, PatchStatus status) {

    public ExecutionResult {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static ExecutionResult success(int exitCode, Duration duration, Map<String, String> details) {
        return new ExecutionResult(true, exitCode, null, duration, details, null);
    }

    /** A success whose status the executor decided (e.g. the install already is at the release). */
    public static ExecutionResult success(PatchStatus status, Duration duration, Map<String, String> details) {
        return new ExecutionResult(true, null, null, duration, details, status);
    }

    public static ExecutionResult failure(String reason, Integer exitCode, Duration duration,
            Map<String, String> details) {
        return new ExecutionResult(false, exitCode, reason, duration, details, null);
    }
}
