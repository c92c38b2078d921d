package dev.patchflow.scanner.domain;

/**
 * What {@link Scanner#scan} did for one request.
 *
 * @param replayed the run was already recorded: its events were emitted again, nothing was discovered
 */
public record ScanResult(String runId, ScanState state, int targetCount, String reason, boolean replayed) {
}
