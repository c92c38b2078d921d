package dev.patchflow.pkg.engine;

/**
 * An apply failed after it had started changing the install. If {@link #rolledBack()} the install
 * is back to its previous tree (content and modes); if not, the journal is still there and
 * {@link PackageEngine#recover} must be called (it retries the rollback) before anything else.
 */
public class ApplyFailedException extends RuntimeException {

    private final boolean rolledBack;

    public ApplyFailedException(String message, Throwable cause, boolean rolledBack) {
        super(message, cause);
        this.rolledBack = rolledBack;
    }

    public boolean rolledBack() {
        return rolledBack;
    }
}
