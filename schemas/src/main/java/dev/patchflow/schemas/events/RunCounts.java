package dev.patchflow.schemas.events;

/** Per-run totals as the report sees them when the run completes. */
public record RunCounts(int targets, int succeeded, int failed, int alreadyApplied, int dryRun, int skipped) {
}
