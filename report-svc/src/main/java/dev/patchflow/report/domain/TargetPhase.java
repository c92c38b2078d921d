package dev.patchflow.report.domain;

/** The most advanced stage the report has seen for a target ({@code FAILED} wins over all). */
public enum TargetPhase {
    SCANNED, BACKED_UP, PATCHED, VALIDATED, FAILED
}
