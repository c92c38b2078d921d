package dev.patchflow.pkg.engine;

import java.io.IOException;

/**
 * Callbacks around each journaled step, for tests (inject a failure, pause before a kill) and for
 * progress reporting. Step numbers start at 0; the VERSION marker is the last step.
 */
public interface ApplyHooks {

    ApplyHooks NONE = new ApplyHooks() {
    };

    /** After the step's journal line is durable, before its backup and change. */
    default void beforeStep(int n, StepKind kind, String path) throws IOException {
    }

    /** After the step's change is durable. */
    default void afterStep(int n, StepKind kind, String path) throws IOException {
    }

    /** After the COMMIT line is durable, before the clean-up of backups and staging. */
    default void afterCommit() throws IOException {
    }
}
