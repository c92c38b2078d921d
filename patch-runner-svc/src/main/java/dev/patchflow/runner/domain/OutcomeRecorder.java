package dev.patchflow.runner.domain;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Record first, then emit, then mark emitted: a crash between the steps leaves an outcome that is either
 * re-emitted by the dispatcher's sweep (its claim is held until the outcome is acknowledged) or by the
 * redelivered backup event, never lost and never redone.
 */
@ApplicationScoped
public class OutcomeRecorder {

    private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class);

    private final RunTargetStore store;
    private final OutcomePublisher publisher;
    private final Clock clock;
    private final String instanceId;

    @Inject
    public OutcomeRecorder(RunTargetStore store, OutcomePublisher publisher, Clock clock, RunnerSettings settings) {
        this(store, publisher, clock, settings.instanceId());
    }

    /** Outside the service (tests, benchmarks): {@code instanceId} owns the claims kept for re-sending. */
    public OutcomeRecorder(RunTargetStore store, OutcomePublisher publisher, Clock clock) {
        this(store, publisher, clock, "runner");
    }

    private OutcomeRecorder(RunTargetStore store, OutcomePublisher publisher, Clock clock, String instanceId) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    /** Records the outcome of a target and emits it; a failed emission is left for the sweep. */
    public PatchflowEvent recordAndEmit(String runTargetId, PatchflowEvent outcome) {
        store.complete(runTargetId, outcome, clock.instant());
        emit(runTargetId, outcome);
        return outcome;
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
            // The sweep finds it among the claims (an outcome decided at intake had none).
            store.keepForResend(runTargetId, instanceId, clock.instant());
            return;
        }
        // Acknowledged: the record says so, and its claim (if any) is released.
        store.markEmitted(runTargetId, clock.instant());
    }
}
