package dev.patchflow.validator.domain;

/**
 * A check could not be made because a service the platform asks on the target's behalf (the AWS APIs) is briefly
 * unavailable: throttled, a 5xx, or no answer. That says nothing about the target, so it must not fail its
 * validation (which would count against the run's error budget). The validator lets it through; the consumer's
 * pipeline hands the batch over again after a backoff, with readiness DOWN meanwhile, and the checks run again.
 */
public class CheckUnavailableException extends RuntimeException {

    public CheckUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
