package dev.patchflow.schemas.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The scanner is done: the run has exactly {@code targetCount} targets.
 *
 * @param zoneErrors landing zones (or regions of them) that could not be scanned, and why; their targets are not
 *        part of the run, the other zones' are
 */
public record ScanCompleted(RunContext run, int targetCount,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ZoneError> zoneErrors) implements PatchflowEvent {

    public ScanCompleted {
        zoneErrors = zoneErrors == null ? List.of() : List.copyOf(zoneErrors);
    }

    public ScanCompleted(RunContext run, int targetCount) {
        this(run, targetCount, List.of());
    }

    @Override
    public String runId() {
        return run.runId();
    }
}
