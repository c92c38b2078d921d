package dev.patchflow.runner.adapters.pkg;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.jboss.logging.Logger;

import dev.patchflow.pkg.engine.ApplyHooks;
import dev.patchflow.pkg.engine.StepKind;

/**
 * TEST ONLY ({@code patchflow.runner.package.test-only-pause-at}, off by default): parks an apply after a
 * chosen step, or after its COMMIT line, so that a test can {@code kill -9} the runner in the middle of an
 * apply and check what a restart makes of the install. Never configured in a deployment: a parked apply
 * does not continue.
 */
final class TestOnlyPauseHooks implements ApplyHooks {

    private static final Logger LOG = Logger.getLogger(TestOnlyPauseHooks.class);

    private final Integer afterStep;
    private final boolean afterCommit;
    private final Path signal;

    private TestOnlyPauseHooks(Integer afterStep, boolean afterCommit, Path signal) {
        this.afterStep = afterStep;
        this.afterCommit = afterCommit;
        this.signal = signal;
    }

    /** {@code step:N} or {@code commit}. */
    static TestOnlyPauseHooks parse(String spec, Path signal) {
        String s = spec.trim();
        if (s.equals("commit")) {
            return new TestOnlyPauseHooks(null, true, signal);
        }
        if (s.startsWith("step:")) {
            try {
                return new TestOnlyPauseHooks(Integer.parseInt(s.substring(5)), false, signal);
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException(
                "patchflow.runner.package.test-only-pause-at must be 'step:<n>' or 'commit', got '" + spec + "'");
    }

    @Override
    public void afterStep(int n, StepKind kind, String path) throws IOException {
        if (afterStep != null && afterStep == n) {
            park("after step " + n + " (" + kind + " " + path + ")");
        }
    }

    @Override
    public void afterCommit() throws IOException {
        if (afterCommit) {
            park("after COMMIT");
        }
    }

    private void park(String where) throws IOException {
        LOG.warnf("TEST ONLY: apply parked %s (patchflow.runner.package.test-only-pause-at)", where);
        if (signal != null) {
            Files.writeString(signal, where + "\n");
        }
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("parked apply interrupted " + where);
        }
    }
}
