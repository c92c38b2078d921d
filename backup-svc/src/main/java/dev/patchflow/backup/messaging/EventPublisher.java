package dev.patchflow.backup.messaging;

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
 * This service's events on {@code patchflow.backups}. A batch's outcomes are sent together and
 * {@link #publishAll} returns once the broker acknowledged every one, so the incoming batch is acknowledged
 * after its outcomes are out (at-least-once).
 */
@ApplicationScoped
public class EventPublisher {

    /** Outgoing channel = topic. */
    public static final String CHANNEL = Topics.BACKUPS;

    /** {@code ce_source} of every event this service emits. */
    public static final String SOURCE = "/patchflow/backup-svc";

    private final CloudEventSender sender;

    @Inject
    public EventPublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<byte[]> emitter,
            Pipelines pipelines) {
        this.sender = pipelines.sender(emitter);
    }

    /**
     * Attempt 0 always: an event is about the fact (this run, this target), so a re-emitted outcome carries the
     * id of the first emission and downstream drops it as a duplicate.
     */
    public void publishAll(List<? extends PatchflowEvent> events) {
        sender.sendAll(events.stream().map(e -> CloudEvent.of(SOURCE, e)).toList());
    }
}
