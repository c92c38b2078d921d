package dev.patchflow.scanner.domain;

import java.util.List;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.ZoneError;

/**
 * The scan checkpoint of one run: what was decided, for which request. Everything the scanner emits
 * for the run is derived from it, so a redelivered request re-emits the same events.
 *
 * @param attempt the attempt that wrote the record (tells a fresh scan from a replay)
 * @param targetCount number of recorded targets ({@link ScanState#SCANNED})
 * @param reason why the run was rejected ({@link ScanState#REJECTED})
 * @param zoneErrors the parts of the source that could not be scanned ({@code ScanCompleted.zoneErrors})
 */
public record ScanRecord(String runId, ScanState state, RunContext context, String attempt, int targetCount,
        String reason, List<ZoneError> zoneErrors) {

    public ScanRecord {
        zoneErrors = zoneErrors == null ? List.of() : List.copyOf(zoneErrors);
    }

    public ScanRecord(String runId, ScanState state, RunContext context, String attempt, int targetCount,
            String reason) {
        this(runId, state, context, attempt, targetCount, reason, List.of());
    }
}
