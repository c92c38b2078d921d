package dev.patchflow.report.domain;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import dev.patchflow.schemas.events.PatchNotStarted;

/**
 * What the report knows about a target's patch.
 *
 * @param status a {@link dev.patchflow.schemas.events.PatchStatus} name, {@code FAILED}, or the status of a
 *        {@code PatchNotStarted} ({@code CANCELLED}, {@code CUTOFF}, {@code BUDGET_EXCEEDED}, {@code REFUSED}, {@code HALTED})
 */
public record PatchView(String status, Integer exitCode, String reason, String outputLocation, String outputTail,
        Long durationMs, Map<String, String> details) {

    public static final String FAILED = "FAILED";

    public PatchView {
        // Sorted by key: every format lists the details in the same order in every JVM (Map.copyOf's iteration
        // order is randomized per JVM, so a report re-rendered after a restart or a replay differed byte by byte).
        details = details == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(details));
    }

    public boolean failed() {
        return FAILED.equals(status);
    }

    /** The runner ended the target without starting it ({@code PatchNotStarted}): terminal, nothing ran. */
    public boolean notStarted() {
        return java.util.Arrays.stream(PatchNotStarted.NotStartedStatus.values())
                .anyMatch(s -> s.name().equals(status));
    }
}
