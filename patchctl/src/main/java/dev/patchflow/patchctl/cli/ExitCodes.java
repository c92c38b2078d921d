package dev.patchflow.patchctl.cli;

/** patchctl's exit codes; scripts and the end-to-end test rely on them. */
public final class ExitCodes {

    /** Done; with {@code --follow}: the run SUCCEEDED. */
    public static final int OK = 0;
    /** A server patchctl needs did not answer: Kafka bootstrap or report URL (the message names which). */
    public static final int UNREACHABLE = 1;
    /** Bad flags, config file or request; the message names the flag. */
    public static final int USAGE = 2;
    /** The followed run completed with outcome FAILED. */
    public static final int RUN_FAILED = 3;
    /** The followed run was REJECTED (e.g. its inventory could not be read). */
    public static final int RUN_REJECTED = 4;
    /** {@code --follow-timeout} passed before the run completed. */
    public static final int FOLLOW_TIMEOUT = 5;
    /** report-svc does not know the run, or has no reports for it. */
    public static final int NOT_FOUND = 6;
    /** {@code package verify} (or {@code publish}): the package does not match its manifest or signature. */
    public static final int REFUSED = 7;
    /** {@code audit}: the dry run found targets whose version is not the one wanted. */
    public static final int DRIFT = 8;
    /**
     * {@code --follow}: the run halted (error budget, failed canary, operator) and waits for
     * {@code patchctl runs resume} or {@code cancel}.
     */
    public static final int RUN_HALTED = 9;

    private ExitCodes() {
    }

    public static int ofOutcome(String outcome) {
        if ("SUCCEEDED".equals(outcome)) {
            return OK;
        }
        if ("REJECTED".equals(outcome)) {
            return RUN_REJECTED;
        }
        return RUN_FAILED;
    }
}
