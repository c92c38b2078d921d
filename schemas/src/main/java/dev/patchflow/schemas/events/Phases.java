package dev.patchflow.schemas.events;

/**
 * Which phases after the scan run. Scanning always runs; {@code --scanner-only} turns the rest off.
 * A phase that is off still produces its event (status SKIPPED) so that every target's story is
 * complete in the report.
 */
public record Phases(boolean backup, boolean patch, boolean validation) {

    public static final Phases ALL = new Phases(true, true, true);
    public static final Phases SCANNER_ONLY = new Phases(false, false, false);

    public boolean scannerOnly() {
        return !backup && !patch && !validation;
    }
}
