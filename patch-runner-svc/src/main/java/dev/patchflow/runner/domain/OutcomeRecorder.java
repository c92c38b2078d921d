package dev.patchflow.runner.domain;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Record first, then emit, then mark emitted: a crash between the steps leaves an outcome that is either
 * re-emitted by the dispatcher's sweep or by the redelivered backup event, never lost and never redone.
 */
@ApplicationScoped
public class OutcomeRecorder {

    private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class);

    private final RunTargetStore store;
    private final OutcomePublisher publisher;
    private final Clock clock;

    public OutcomeRecorder(RunTargetStore store, OutcomePublisher publisher, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Records the outcome of a target and emits it; a failed emission is left for the sweep. */
    public void recordAndEmit(String runTargetId, PatchflowEvent outcome) {
        store.complete(runTargetId, outcome, clock.instant());
        emit(runTargetId, outcome);
    }

    /**
     * Emits a recorded outcome. A publishing failure is only logged: the outcome stays recorded as unemitted
     * and the dispatcher's sweep sends it again (failing the incoming record instead would dead-letter a
     * perfectly good backup event).
     */
    public void emit(String runTargetId, PatchflowEvent outcome) {
        try {
            publisher.publish(outcome);
        } catch (RuntimeException e) {
            LOG.warnf(e, "outcome of %s recorded but not published; it will be re-sent", runTargetId);
            return;
        }
        store.markEmitted(runTargetId, clock.instant());
    }
}
