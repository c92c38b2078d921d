package dev.patchflow.kit.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.patchflow.kit.health.PipelineReadiness;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.InvalidEventException;

/**
 * How every service consumes one topic, a batch at a time: decode → classify → hand the valid events to the
 * domain ({@link BatchHandler}) → dead-letter the poison → return (the caller acknowledges the batch).
 * <p>
 * Errors are classified here, once:
 * <ul>
 * <li><b>poison</b> — a record that can never be accepted: not decodable, fails its schema, missing or
 * unknown {@code ce_type}, a type that belongs on another topic, or an event the handler refuses. It goes to
 * {@code <topic>.dlq} with {@code dead-letter-reason} and the refusing consumer group, and the batch goes on.
 * <li><b>transient</b> — anything the handler throws (a dependency failed: MongoDB, S3, Kafka). The whole batch
 * is handed over again after a backoff, for as long as it takes; its offsets are not committed meanwhile and the
 * service's readiness is DOWN. A valid event is never dead-lettered for a dependency's sake.
 * </ul>
 * Records of types that belong on this topic but that this consumer does not handle are skipped without
 * being decoded: their own consumers validate them.
 */
public final class RecordPipeline {

    private static final Logger LOG = Logger.getLogger(RecordPipeline.class);

    private final String topic;
    private final String consumerGroup;
    private final Set<EventType> handled;
    private final EventCodec codec;
    private final DeadLetters deadLetters;
    private final PipelineReadiness readiness;
    private final Backoff backoff;
    private final Duration ackTimeout;
    private final BooleanSupplier stopping;
    private final MeterRegistry meters;
    private final Counter retryCounter;
    private final Counter eventCounter;

    public RecordPipeline(String topic, String consumerGroup, Set<EventType> handled, EventCodec codec,
            DeadLetters deadLetters, PipelineReadiness readiness, Backoff backoff, Duration ackTimeout,
            BooleanSupplier stopping, MeterRegistry meters) {
        this.topic = topic;
        this.consumerGroup = consumerGroup;
        this.handled = Set.copyOf(handled);
        this.codec = codec;
        this.deadLetters = deadLetters;
        this.readiness = readiness;
        this.backoff = backoff;
        this.ackTimeout = ackTimeout;
        this.stopping = stopping;
        this.meters = meters;
        // Every class at zero from the start: a series that appears at 1 hides its first increase from
        // Prometheus's increase(), and the DLQ alert (k8s/base/dead-letter-alerts.yaml) would miss it.
        for (ReasonClass reasonClass : ReasonClass.values()) {
            deadLetterCounter(reasonClass);
        }
        this.retryCounter = meters.counter("patchflow.consumer.retries", "topic", topic);
        this.eventCounter = meters.counter("patchflow.consumer.events", "topic", topic);
    }

    public String topic() {
        return topic;
    }

    /** Name of the counter of dead-lettered records, per {@code topic} and {@code reason_class}. */
    public static final String DEAD_LETTERS_METRIC = "patchflow.consumer.dead.letters";

    /** Why a record went to the DLQ, coarsely: the metric's {@code reason_class} tag (the exact reason is a header). */
    public enum ReasonClass {

        /** Not decodable, fails its schema, missing or unknown {@code ce_type}: the producer is wrong. */
        INVALID("invalid"),
        /** A valid event on a topic it does not belong on: the producer is misrouted. */
        WRONG_TOPIC("wrong-topic"),
        /** A valid event the handler refuses for good (e.g. a run id reused by a different request). */
        REFUSED("refused");

        private final String tag;

        ReasonClass(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** A record that can never be accepted, and why. */
    record Poison(ConsumerRecord<String, byte[]> record, String reason, ReasonClass reasonClass) {
    }

    private Counter deadLetterCounter(ReasonClass reasonClass) {
        return meters.counter(DEAD_LETTERS_METRIC, "topic", topic, "reason_class", reasonClass.tag());
    }

    /**
     * Handles one batch completely: returns when every valid event is handled and every poison record is in the
     * DLQ. Throws only {@link PipelineStoppedException} (the service is stopping while a dependency is down).
     */
    public void process(List<ConsumerRecord<String, byte[]>> records, BatchHandler handler) {
        List<IncomingEvent> events = new ArrayList<>(records.size());
        List<Poison> poison = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            classify(record, events, poison);
        }
        for (int attempt = 1;; attempt++) {
            try {
                Refusals refusals = new Refusals();
                if (!events.isEmpty()) {
                    handler.handle(events, refusals);
                }
                List<Poison> dead = new ArrayList<>(poison);
                refusals.all().forEach(r -> dead.add(new Poison(r.event().record(), r.reason(), ReasonClass.REFUSED)));
                deadLetter(dead);
                if (attempt > 1) {
                    LOG.infof("%s: batch of %d records went through after %d attempts", topic, records.size(),
                            attempt);
                }
                readiness.recovered(topic);
                eventCounter.increment(events.size());
                return;
            } catch (PipelineStoppedException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                readiness.failing(topic, e);
                retryCounter.increment();
                Duration wait = backoff.delay(attempt);
                if (attempt == 1 || attempt % 10 == 0) {
                    LOG.warnf(e, "%s: a batch of %d records failed on a dependency (attempt %d); retrying in %d ms",
                            topic, records.size(), attempt, wait.toMillis());
                } else {
                    LOG.warnf("%s: attempt %d failed: %s; retrying in %d ms", topic, attempt,
                            PipelineReadiness.describe(e), wait.toMillis());
                }
                pause(wait, e);
            }
        }
    }

    private void classify(ConsumerRecord<String, byte[]> record, List<IncomingEvent> events, List<Poison> poison) {
        String ceType = EventCodec.headerMap(record.headers()).get(CloudEventHeaders.TYPE);
        Optional<EventType> type = EventType.fromCeType(ceType);
        if (type.isPresent() && type.get().topic().equals(topic) && !handled.contains(type.get())) {
            return; // somebody else's type on a shared topic: not ours to judge
        }
        try {
            CloudEvent<?> event = codec.decode(record);
            if (!topic.equals(event.type().topic())) {
                poison.add(new Poison(record, event.type().simpleName() + " does not belong on " + topic
                        + " (it belongs on " + event.type().topic() + ")", ReasonClass.WRONG_TOPIC));
                return;
            }
            events.add(new IncomingEvent(event, record));
        } catch (InvalidEventException e) {
            poison.add(new Poison(record, e.getMessage(), ReasonClass.INVALID));
        }
    }

    private void deadLetter(List<Poison> dead) throws Exception {
        if (dead.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>(dead.size());
        for (Poison p : dead) {
            LOG.warnf("%s: record %d/%d (key %s) dead-lettered: %s", topic, p.record().partition(),
                    p.record().offset(), p.record().key(), p.reason());
            sent.add(deadLetters.send(p.record(), consumerGroup, p.reason()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                .get(ackTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        for (Poison p : dead) {
            deadLetterCounter(p.reasonClass()).increment();
        }
    }

    private void pause(Duration wait, Exception cause) {
        long until = System.nanoTime() + wait.toNanos();
        // Short sleeps: a stopping service must not sit out a long backoff.
        while (System.nanoTime() < until) {
            if (stopping.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new PipelineStoppedException(topic + ": stopping while a batch waits for a dependency", cause);
            }
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PipelineStoppedException(topic + ": interrupted while a batch waits for a dependency", e);
            }
        }
    }
}
