package dev.patchflow.runner.domain.locks;

/**
 * Who holds a lock.
 *
 * @param holderId the identity that may re-acquire and must release it: the run target ({@code runId/targetId})
 * @param runId the run the holder works for (shown to whoever is refused)
 * @param owner the runner instance ({@code patchflow.runner.instance-id})
 */
public record LockHolder(String holderId, String runId, String owner) {
}
