package dev.patchflow.validator.domain;

import java.time.Duration;

import dev.patchflow.schemas.events.CheckSpec;

/** How long one check may take, and how that is said in a failure detail. */
public final class CheckTimeouts {

    private CheckTimeouts() {
    }

    /** The spec's {@code timeoutSeconds}, else the service default. */
    public static Duration of(CheckSpec spec, Duration defaultTimeout) {
        Integer seconds = spec.timeoutSeconds();
        return seconds != null && seconds > 0 ? Duration.ofSeconds(seconds) : defaultTimeout;
    }

    /** {@code "timed out after 10s"} (or {@code 500ms} for sub-second defaults). */
    public static String timedOut(Duration timeout) {
        return "timed out after " + describe(timeout);
    }

    static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
    }
}
