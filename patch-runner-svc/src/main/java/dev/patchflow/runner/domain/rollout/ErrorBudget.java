package dev.patchflow.runner.domain.rollout;

import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Which outcomes count against a run's error budget ({@code maxErrors}, SSM's MaxErrors). A {@code PatchFailed}
 * counts, unless its executor marked it with {@link #DETAIL} = {@link #NOT_COUNTED}: SSM's rule that an invocation
 * that never reached the instance (DeliveryTimedOut, Undeliverable) does not count against MaxErrors, while one that
 * ran and failed or timed out (Failed, ExecutionTimedOut) does. Such a target is still reported as failed.
 */
public final class ErrorBudget {

    /** The {@code PatchFailed.details} key an executor sets. */
    public static final String DETAIL = "errorBudget";
    public static final String NOT_COUNTED = "not counted";

    private ErrorBudget() {
    }

    public static boolean counts(PatchflowEvent outcome) {
        return outcome instanceof PatchFailed failed && !NOT_COUNTED.equals(failed.details().get(DETAIL));
    }
}
