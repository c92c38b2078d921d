package dev.patchflow.report.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import dev.patchflow.kit.messaging.CloudEventSender;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.report.config.ReportConfig;
import dev.patchflow.report.domain.CompletionPublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.RunCompleted;

/**
 * Publishes RunCompleted on {@code patchflow.runs} through the outgoing channel {@value #CHANNEL}. The
 * channel cannot be named after the topic, because the incoming channel {@code patchflow.runs} (our own
 * events coming back) already has that name.
 */
@ApplicationScoped
public class EventPublisher implements CompletionPublisher {

    public static final String CHANNEL = "run-completed";

    private final CloudEventSender sender;
    private final ReportConfig config;

    public EventPublisher(@Channel(CHANNEL) Emitter<byte[]> emitter, Pipelines pipelines, ReportConfig config) {
        this.sender = pipelines.sender(emitter);
        this.config = config;
    }

    /** Blocks until the broker acknowledged, so the run is marked COMPLETED only after the event is out. */
    @Override
    public String publish(RunCompleted data) {
        CloudEvent<RunCompleted> event = envelope(config.source(), data);
        sender.publish(event);
        return event.id();
    }

    /**
     * The envelope of a RunCompleted: its deterministic id, and as its {@code time} the run's {@code completedAt}
     * (a fact of the log) rather than the moment of sending, so a re-emission after a crash, a second replica or a
     * replay sends the very same event.
     */
    public static CloudEvent<RunCompleted> envelope(String source, RunCompleted data) {
        CloudEvent<RunCompleted> event = CloudEvent.of(source, data);
        return data.completedAt() == null
                ? event
                : new CloudEvent<>(event.id(), event.source(), event.type(), data.completedAt(), event.subject(),
                        event.runId(), data);
    }
}
