package dev.patchflow.pkg.engine;

/**
 * What {@link PackageEngine#recover} found and did.
 *
 * @param installedVersion the VERSION marker after recovery (null if none)
 */
public record RecoveryResult(Outcome outcome, String installedVersion, String detail) {

    public enum Outcome {
        /** No unfinished apply for this install. */
        NOTHING,
        /** An apply was interrupted before its commit; every step it began has been undone. */
        ROLLED_BACK,
        /** An apply had committed (every step and the marker done); its clean-up has been finished. */
        COMPLETED
    }
}
