package dev.patchflow.report.messaging;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.kit.messaging.IncomingEvent;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.kit.messaging.RecordPipeline;
import dev.patchflow.kit.messaging.Refusals;
import dev.patchflow.report.domain.RunChanges;
import dev.patchflow.report.domain.ViewProjector;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;

/**
 * One thin adapter per topic, a batch at a time: the shared pipeline decodes and classifies, the projector
 * applies the batch's events to the views. The report handles every event type of every topic. Poison
 * records go to {@code <topic>.dlq}; a MongoDB or broker failure holds the batch until it passes.
 * Ordered per channel: a batch is applied before the next one.
 */
@ApplicationScoped
public class EventConsumer {

    private final Map<String, RecordPipeline> pipelines;
    private final ViewProjector projector;
    private final MeterRegistry metrics;
    private final RunChanges changes;

    public EventConsumer(Pipelines kit, ViewProjector projector, MeterRegistry metrics, RunChanges changes) {
        Set<EventType> all = EnumSet.allOf(EventType.class);
        this.pipelines = Topics.STAGES.stream().collect(Collectors.toMap(t -> t, t -> kit.forTopic(t, all)));
        this.projector = projector;
        this.metrics = metrics;
        this.changes = changes;
    }

    @Incoming(Topics.REQUESTS)
    @Blocking
    public void requests(ConsumerRecords<String, byte[]> records) {
        handle(Topics.REQUESTS, records);
    }

    @Incoming(Topics.SCANS)
    @Blocking
    public void scans(ConsumerRecords<String, byte[]> records) {
        handle(Topics.SCANS, records);
    }

    @Incoming(Topics.BACKUPS)
    @Blocking
    public void backups(ConsumerRecords<String, byte[]> records) {
        handle(Topics.BACKUPS, records);
    }

    @Incoming(Topics.PATCHES)
    @Blocking
    public void patches(ConsumerRecords<String, byte[]> records) {
        handle(Topics.PATCHES, records);
    }

    @Incoming(Topics.VALIDATIONS)
    @Blocking
    public void validations(ConsumerRecords<String, byte[]> records) {
        handle(Topics.VALIDATIONS, records);
    }

    /** Our own RunCompleted comes back here; applying it only records that the emission was seen. */
    @Incoming(Topics.RUNS)
    @Blocking
    public void runs(ConsumerRecords<String, byte[]> records) {
        handle(Topics.RUNS, records);
    }

    private void handle(String topic, ConsumerRecords<String, byte[]> records) {
        pipelines.get(topic).process(Batches.list(records), (events, refusals) -> apply(topic, events, refusals));
    }

    private void apply(String topic, List<IncomingEvent> events, Refusals refusals) {
        projector.applyAll(events.stream().<dev.patchflow.schemas.CloudEvent<?>>map(IncomingEvent::event).toList());
        for (IncomingEvent event : events) {
            metrics.counter("patchflow.report.events", "topic", topic, "type", event.event().type().simpleName())
                    .increment();
        }
        // Wakes the live streams of these runs on this replica (they poll the view store too: other replicas).
        changes.changed(events.stream().map(e -> e.event().runId()).filter(Objects::nonNull)
                .collect(Collectors.toCollection(LinkedHashSet::new)));
    }
}
