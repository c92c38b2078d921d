package dev.patchflow.dbcluster;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a cluster until a condition holds: engines have no push notifications to wait on. */
public final class Waits {

    private Waits() {
    }

    /**
     * Calls {@code problem} every {@code poll} until it answers {@code null}; an exception thrown by it counts as
     * its message (the cluster may be between states).
     *
     * @throws ClusterException naming {@code what} and the last problem, after {@code timeout}
     */
    public static void until(String what, Duration timeout, Duration poll, Supplier<String> problem) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        while (true) {
            try {
                last = problem.get();
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            if (last == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ClusterException(what + " not reached within " + timeout.toSeconds() + "s: " + last);
            }
            sleep(poll);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }
}
