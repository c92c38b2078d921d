package dev.patchflow.report.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

import dev.patchflow.report.domain.ViewProjector;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.InvalidEventException;
import dev.patchflow.schemas.Topics;

/**
 * One thin adapter per topic: decode the record with the contract's codec and hand the event to the
 * projector. The report handles every event type, so nothing is skipped. A record that does not decode
 * throws {@link InvalidEventException}; the channel's dead-letter-queue strategy then sends it to
 * {@code <topic>.dlq} with the message as {@code dead-letter-reason}, and consumption goes on.
 * Blocking (ordered per channel): the views live in MongoDB through the synchronous client.
 */
@ApplicationScoped
public class EventConsumer {

    private final EventCodec codec;
    private final ViewProjector projector;
    private final MeterRegistry metrics;

    public EventConsumer(EventCodec codec, ViewProjector projector, MeterRegistry metrics) {
        this.codec = codec;
        this.projector = projector;
        this.metrics = metrics;
    }

    @Incoming(Topics.REQUESTS)
    @Blocking
    public void requests(ConsumerRecord<String, byte[]> record) {
        handle(Topics.REQUESTS, record);
    }

    @Incoming(Topics.SCANS)
    @Blocking
    public void scans(ConsumerRecord<String, byte[]> record) {
        handle(Topics.SCANS, record);
    }

    @Incoming(Topics.BACKUPS)
    @Blocking
    public void backups(ConsumerRecord<String, byte[]> record) {
        handle(Topics.BACKUPS, record);
    }

    @Incoming(Topics.PATCHES)
    @Blocking
    public void patches(ConsumerRecord<String, byte[]> record) {
        handle(Topics.PATCHES, record);
    }

    @Incoming(Topics.VALIDATIONS)
    @Blocking
    public void validations(ConsumerRecord<String, byte[]> record) {
        handle(Topics.VALIDATIONS, record);
    }

    /** Our own RunCompleted comes back here; applying it only records that the emission was seen. */
    @Incoming(Topics.RUNS)
    @Blocking
    public void runs(ConsumerRecord<String, byte[]> record) {
        handle(Topics.RUNS, record);
    }

    private void handle(String topic, ConsumerRecord<String, byte[]> record) {
        CloudEvent<?> event;
        try {
            event = codec.decode(record);
        } catch (InvalidEventException e) {
            metrics.counter("patchflow.report.events.invalid", "topic", topic).increment();
            throw e;
        }
        projector.apply(event);
        metrics.counter("patchflow.report.events", "topic", topic, "type", event.type().simpleName()).increment();
    }
}
