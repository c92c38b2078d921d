package dev.patchflow.schemas.events;

import java.time.Instant;

/**
 * The request a run was started with, carried by every downstream event so that no service has to
 * ask another one anything.
 */
public record RunContext(String runId, Instant requestedAt, String requestedBy, PatchSpec patch,
        TargetSelector targets, RunOptions options) {

    public RunContext {
        options = options == null ? RunOptions.defaults() : options;
    }
}
