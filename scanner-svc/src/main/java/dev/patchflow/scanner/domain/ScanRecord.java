package dev.patchflow.scanner.domain;

import dev.patchflow.schemas.events.RunContext;

/**
 * The scan checkpoint of one run: what was decided, for which request. Everything the scanner emits
 * for the run is derived from it, so a redelivered request re-emits the same events.
 *
 * @param attempt the attempt that wrote the record (tells a fresh scan from a replay)
 * @param targetCount number of recorded targets ({@link ScanState#SCANNED})
 * @param reason why the run was rejected ({@link ScanState#REJECTED})
 */
public record ScanRecord(String runId, ScanState state, RunContext context, String attempt, int targetCount,
        String reason) {
}
