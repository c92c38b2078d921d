package dev.patchflow.pkg.engine;

/**
 * The outcome of {@link PackageEngine#apply}. Failures are exceptions:
 * {@link dev.patchflow.pkg.PackageRefusedException} (nothing touched) and
 * {@link ApplyFailedException} (rolled back, or left for {@link PackageEngine#recover}).
 *
 * @param signedBy the key id that signed the package; null when nothing was fetched or an
 *        unsigned package was allowed
 */
public record ApplyResult(Status status, Plan plan, String signedBy, String message) {

    /** The names match {@code dev.patchflow.schemas.events.PatchStatus}. */
    public enum Status {
        /** The package was applied; the VERSION marker is the release's. */
        APPLIED,
        /** The marker already equals the release (and no full upgrade was forced): nothing touched. */
        ALREADY_APPLIED,
        /** Dry run: the plan only; nothing fetched, nothing touched. */
        DRY_RUN,
        /** The install is newer than the release; packages never downgrade. Nothing touched. */
        SKIPPED
    }
}
