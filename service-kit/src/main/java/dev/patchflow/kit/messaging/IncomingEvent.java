package dev.patchflow.kit.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.PatchflowEvent;

/** A record that decoded into a valid event of a type the consumer handles, with the record it came from. */
public record IncomingEvent(CloudEvent<?> event, ConsumerRecord<String, byte[]> record) {

    public PatchflowEvent data() {
        return event.data();
    }

    /** {@code runId/targetId} (or {@code runId} for run-level events): events of one key stay in order. */
    public String key() {
        return event.key();
    }
}
