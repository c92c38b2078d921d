package dev.patchflow.sdk;

/**
 * How one patch ended. The process exit code follows from the worst result of all patches (see {@link PatchMain}):
 * a permanent failure is not retried by the Job ({@code podFailurePolicy}), a retryable one is.
 */
public enum PatchResult {
    /** Done, or nothing was left to do. */
    SUCCESS,
    /** Failed for a reason that may pass (a dependency was down): the Job may run the image again. */
    RETRYABLE_FAILURE,
    /** Failed for a reason another run will not fix (bad data the patch cannot repair): not retried. */
    PERMANENT_FAILURE
}
