package dev.patchflow.schemas.events;

import java.time.Instant;

/** A person or pipeline asks for a patch to be rolled out: the one event that starts a run. */
public record PatchRequested(String runId, Instant requestedAt, String requestedBy, PatchSpec patch,
        TargetSelector targets, RunOptions options) implements PatchflowEvent {

    public PatchRequested {
        options = options == null ? RunOptions.defaults() : options;
    }

    /** The context every downstream event of this run carries. */
    public RunContext context() {
        return new RunContext(runId, requestedAt, requestedBy, patch, targets, options);
    }
}
