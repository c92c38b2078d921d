package dev.patchflow.dbcluster;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
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
        // An exception without a message is still a problem, not the condition reached.
        String last = settle(timeout, poll, problem, Objects::isNull,
                e -> e.getMessage() != null ? e.getMessage() : e.toString());
        if (last != null) {
            throw new ClusterException(what + " not reached within " + timeout.toSeconds() + "s: " + last);
        }
    }

    /**
     * Calls {@code look} every {@code poll} until {@code settled} accepts its answer or {@code timeout} has passed,
     * and returns the last answer: a verdict that is still wrong then is the caller's to report. An exception thrown
     * by {@code look} is answered by {@code whenThrown} (the cluster may be between states).
     */
    public static <T> T settle(Duration timeout, Duration poll, Supplier<T> look, Predicate<T> settled,
            Function<RuntimeException, T> whenThrown) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T last;
            try {
                last = look.get();
            } catch (RuntimeException e) {
                last = whenThrown.apply(e);
            }
            if (settled.test(last) || System.nanoTime() - deadline > 0) {
                return last;
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
