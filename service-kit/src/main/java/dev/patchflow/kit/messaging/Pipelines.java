package dev.patchflow.kit.messaging;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;

import dev.patchflow.kit.config.KitConfig;
import dev.patchflow.kit.health.PipelineReadiness;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventType;

/**
 * Makes the pipeline of each incoming channel and the sender of each outgoing one, with the service's shared
 * settings: its consumer group (= {@code quarkus.application.name}), codec, dead letters, readiness, backoff.
 */
@ApplicationScoped
public class Pipelines {

    private final String consumerGroup;
    private final EventCodec codec = new EventCodec();
    private final DeadLetters deadLetters;
    private final PipelineReadiness readiness;
    private final KitConfig config;
    private final MeterRegistry meters;
    private volatile boolean stopping;

    @Inject
    public Pipelines(@ConfigProperty(name = "quarkus.application.name") String consumerGroup, DeadLetters deadLetters,
            PipelineReadiness readiness, KitConfig config, MeterRegistry meters) {
        this.consumerGroup = consumerGroup;
        this.deadLetters = deadLetters;
        this.readiness = readiness;
        this.config = config;
        this.meters = meters;
    }

    /** The pipeline of {@code topic}, handing the handler the events of {@code handled} types. */
    public RecordPipeline forTopic(String topic, Set<EventType> handled) {
        return new RecordPipeline(topic, consumerGroup, handled, codec, deadLetters, readiness,
                new Backoff(config.retryInitial(), config.retryMax()), config.ackTimeout(), () -> stopping, meters);
    }

    /** A sender of CloudEvents on an outgoing channel. */
    public CloudEventSender sender(Emitter<byte[]> emitter) {
        return new CloudEventSender(emitter, codec, config.maxInFlight(), config.ackTimeout());
    }

    public EventCodec codec() {
        return codec;
    }

    public String consumerGroup() {
        return consumerGroup;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }
}
