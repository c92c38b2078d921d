package dev.patchflow.report.domain;

/**
 * A target's version after its patch, next to {@code installedVersion} (the version scanned): what the dashboard's
 * target table shows as "before → after". No event carries the version read back after a patch, so it is derived
 * from the patch's outcome: an {@code APPLIED} patch left the executor's {@code details.toVersion} (the package
 * executor's release) or else the run's patch version; any other outcome ({@code ALREADY_APPLIED}, {@code DRY_RUN},
 * {@code SKIPPED}, {@code FAILED}, not started) changed nothing.
 */
public final class VersionChange {

    /** Shown when the patch ran to an end that changed nothing. */
    public static final String UNCHANGED = "unchanged";

    private VersionChange() {
    }

    /**
     * The version after the patch, {@link #UNCHANGED}, or {@code null} while the target has no patch outcome yet.
     */
    public static String after(TargetReport target, RunReport.PatchRef patch) {
        if (target.patch() == null) {
            return null;
        }
        if (!"APPLIED".equals(target.patch().status())) {
            return UNCHANGED;
        }
        String to = target.patch().details().get("toVersion");
        if (to != null && !to.isBlank()) {
            return to;
        }
        return patch == null || patch.version() == null ? UNCHANGED : patch.version();
    }
}
