package dev.patchflow.report.domain;

import java.util.List;
import java.util.stream.Collectors;

import dev.patchflow.schemas.events.CheckResult;

/**
 * What the report knows about a target's validation.
 *
 * @param status {@code PASSED}, {@code FAILED} or {@code SKIPPED} (nothing was checked)
 * @param failed every failed check and why
 */
public record ValidationView(String status, List<CheckResult> checks, List<CheckResult> failed) {

    public static final String PASSED = "PASSED";
    public static final String FAILED = "FAILED";
    public static final String SKIPPED = "SKIPPED";

    public ValidationView {
        checks = checks == null ? List.of() : List.copyOf(checks);
        failed = failed == null ? List.of() : List.copyOf(failed);
    }

    public boolean hasFailed() {
        return FAILED.equals(status);
    }

    /** {@code "name: why; name: why"}, the form used in reasons and in the CSV. */
    public String failedChecksText() {
        return failed.stream().map(c -> c.name() + ": " + (c.detail() == null ? "failed" : c.detail()))
                .collect(Collectors.joining("; "));
    }
}
