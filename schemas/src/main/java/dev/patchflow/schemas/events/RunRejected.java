package dev.patchflow.schemas.events;

/**
 * The request cannot be run (unknown provider, no target selector, bad option, unreadable
 * inventory). {@code run} holds as much of the request as could be read.
 */
public record RunRejected(RunContext run, String reason) implements PatchflowEvent {

    @Override
    public String runId() {
        return run.runId();
    }
}
