package dev.patchflow.report.domain;

import java.time.Instant;

/**
 * The runner put an instance it had started for patching back into its initial power state
 * ({@code PowerStateRestored}), or tried to.
 *
 * @param state the state the instance is in now
 * @param restored whether {@code state} is {@code initialState} again; when not, {@code reason} says why
 */
public record PowerView(String initialState, String state, boolean restored, String reason, Instant at) {
}
