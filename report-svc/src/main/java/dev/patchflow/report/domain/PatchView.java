package dev.patchflow.report.domain;

import java.util.Map;

/**
 * What the report knows about a target's patch.
 *
 * @param status a {@link dev.patchflow.schemas.events.PatchStatus} name, or {@code FAILED}
 */
public record PatchView(String status, Integer exitCode, String reason, String outputLocation, String outputTail,
        Long durationMs, Map<String, String> details) {

    public static final String FAILED = "FAILED";

    public PatchView {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public boolean failed() {
        return FAILED.equals(status);
    }
}
