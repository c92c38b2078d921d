package dev.patchflow.runner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.micrometer.core.instrument.MeterRegistry;

import dev.patchflow.kit.messaging.CloudEventSender;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.runner.config.RunnerProducers;
import dev.patchflow.runner.domain.OutcomePublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Emits {@code PatchApplied} / {@code PatchFailed} / {@code PatchNotStarted} on {@link Topics#PATCHES}:
 * CloudEvents headers, key {@code runId/targetId}, deterministic id (so a re-emission is a recognisable
 * duplicate), and waits for the broker's acknowledgement.
 */
@ApplicationScoped
public class KafkaOutcomePublisher implements OutcomePublisher {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.PATCHES;

    private final CloudEventSender sender;
    private final MeterRegistry meters;

    public KafkaOutcomePublisher(
            @Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<byte[]> emitter,
            Pipelines pipelines, MeterRegistry meters) {
        this.sender = pipelines.sender(emitter);
        this.meters = meters;
    }

    @Override
    public void publish(PatchflowEvent outcome) {
        CloudEvent<PatchflowEvent> event = CloudEvent.of(RunnerProducers.SOURCE, outcome);
        sender.publish(event);
        String status = outcome instanceof PatchApplied applied
                ? applied.status().name()
                : outcome instanceof PatchNotStarted notStarted ? notStarted.status().name() : "FAILED";
        meters.counter("patchflow.runner.outcomes", "type", event.type().simpleName(), "status", status).increment();
        // Time in the executor as the outcome reports it (what a benchmark subtracts from the pipeline's own cost);
        // an outcome re-sent after a lost acknowledgement counts again.
        Long durationMs = outcome instanceof PatchApplied applied
                ? applied.durationMs()
                : outcome instanceof PatchFailed failed ? failed.durationMs() : null;
        if (durationMs != null) {
            meters.timer("patchflow.runner.execution").record(java.time.Duration.ofMillis(durationMs));
        }
    }
}
