package dev.patchflow.validator.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.patchflow.kit.messaging.CloudEventSender;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Publishes validation outcomes on {@link Topics#VALIDATIONS} (JSON body, {@code ce_*} headers, key
 * runId/targetId), a batch at a time; returns once the broker acknowledged all of them.
 */
@ApplicationScoped
public class EventPublisher {

    /** Outgoing channel = topic. */
    public static final String CHANNEL = Topics.VALIDATIONS;

    /** The validator's {@code ce_source}. */
    public static final String SOURCE = "/patchflow/validator-svc";

    private final CloudEventSender sender;

    @Inject
    public EventPublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<byte[]> emitter,
            Pipelines pipelines) {
        this.sender = pipelines.sender(emitter);
    }

    public void publishAll(List<? extends PatchflowEvent> outcomes) {
        sender.sendAll(outcomes.stream().map(e -> CloudEvent.of(SOURCE, e)).toList());
    }
}
