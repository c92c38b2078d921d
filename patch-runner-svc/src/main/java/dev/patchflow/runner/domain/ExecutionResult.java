package dev.patchflow.runner.domain;

import java.time.Duration;
import java.util.Map;

/**
 * How one execution ended.
 *
 * @param exitCode the exit code, if the executor has one (a killed process has none)
 * @param failureReason why it failed, {@code null} when it succeeded
 * @param details executor-specific facts for the report
 */
public record ExecutionResult(boolean succeeded, Integer exitCode, String failureReason, Duration duration,
        Map<String, String> details) {

    public ExecutionResult {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static ExecutionResult success(int exitCode, Duration duration, Map<String, String> details) {
        return new ExecutionResult(true, exitCode, null, duration, details);
    }

    public static ExecutionResult failure(String reason, Integer exitCode, Duration duration,
            Map<String, String> details) {
        return new ExecutionResult(false, exitCode, reason, duration, details);
    }
}
