package dev.patchflow.runner.adapters.pkg;

import java.io.IOException;

import dev.patchflow.pkg.engine.ApplyHooks;
import dev.patchflow.pkg.engine.StepKind;

/**
 * Runs a package's schema step inside the engine's apply: after the last file step (the VERSION marker) and before
 * COMMIT, so that a failing schema step makes the engine roll the files back through its journal. The step is set
 * per apply on the applying thread ({@link #during}); other hooks (the test-only pause) are delegated to.
 */
final class SchemaStepHooks implements ApplyHooks {

    /** The schema step of one apply; throws to make the engine roll the files back. */
    interface Step {

        void run() throws IOException;
    }

    private final ApplyHooks delegate;
    private final ThreadLocal<Step> current = new ThreadLocal<>();

    SchemaStepHooks(ApplyHooks delegate) {
        this.delegate = delegate == null ? ApplyHooks.NONE : delegate;
    }

    /** Sets {@code step} for the applies this thread runs until {@link #done()}. */
    void during(Step step) {
        current.set(step);
    }

    void done() {
        current.remove();
    }

    @Override
    public void beforeStep(int n, StepKind kind, String path) throws IOException {
        delegate.beforeStep(n, kind, path);
    }

    @Override
    public void afterStep(int n, StepKind kind, String path) throws IOException {
        delegate.afterStep(n, kind, path);
        Step step = current.get();
        if (kind == StepKind.WRITE_VERSION && step != null) {
            step.run();
        }
    }

    @Override
    public void afterCommit() throws IOException {
        delegate.afterCommit();
    }
}
