package dev.patchflow.runner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.patchflow.kit.messaging.CloudEventSender;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.runner.config.RunnerProducers;
import dev.patchflow.runner.domain.rollout.RunEventPublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Emits {@code RunControlled}, {@code RunHalted}, {@code RunGateChanged} on {@link Topics#RUNS} (key
 * {@code runId}, deterministic id from the event's attempt) and waits for the broker's acknowledgement.
 */
@ApplicationScoped
public class KafkaRunEventPublisher implements RunEventPublisher {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.RUNS;

    private final CloudEventSender sender;

    public KafkaRunEventPublisher(
            @Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<byte[]> emitter,
            Pipelines pipelines) {
        this.sender = pipelines.sender(emitter);
    }

    @Override
    public void publish(PatchflowEvent data, int attempt) {
        sender.publish(CloudEvent.of(RunnerProducers.SOURCE, data, attempt));
    }
}
