package dev.patchflow.report.domain;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

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

    /** Asked for every target of every report: a set, not a stream over a copy of the enum's values per call. */
    private static final Set<String> NOT_STARTED = Arrays.stream(PatchNotStarted.NotStartedStatus.values())
            .map(Enum::name).collect(Collectors.toUnmodifiableSet());

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
        return NOT_STARTED.contains(status);
    }
}
