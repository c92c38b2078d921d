package dev.patchflow.pkg.engine;

/** An unfinished apply's journal exists for this install: call {@link PackageEngine#recover} first. */
public class RecoveryRequiredException extends IllegalStateException {

    public RecoveryRequiredException(String message) {
        super(message);
    }
}
