package dev.patchflow.kit.messaging;

import java.time.Duration;

/** Exponential backoff between retries of a transient failure: initial, doubled each time, capped. */
public final class Backoff {

    private final Duration initial;
    private final Duration max;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
        this.initial = initial;
        this.max = max;
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    public Duration delay(int retry) {
        long millis = initial.toMillis();
        for (int i = 1; i < retry && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
