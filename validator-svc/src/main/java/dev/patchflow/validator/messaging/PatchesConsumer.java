package dev.patchflow.validator.messaging;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.kit.messaging.IncomingEvent;
import dev.patchflow.kit.messaging.KeyOrder;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.kit.messaging.RecordPipeline;
import dev.patchflow.kit.messaging.Refusals;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.ValidationPassed;
import dev.patchflow.validator.config.ValidatorConfig;
import dev.patchflow.validator.domain.Validator;

/**
 * The one inbound adapter: {@link Topics#PATCHES}, a batch at a time; every {@link PatchApplied} is validated.
 * Other types of the topic (PatchFailed, PatchNotStarted) are not ours.
 * <p>
 * Idempotency without state: the checks only read the target, so running them again on a redelivery is
 * harmless, and the outcome event has a deterministic id (type, run, target) that downstream dedupes on. The
 * targets of a batch are validated concurrently ({@code patchflow.validator.worker-concurrency} at a time; one
 * target's events in order), and the batch is acknowledged once the broker has every outcome. If the service
 * stops while a check runs, no outcome is known: the batch stays unacknowledged and is delivered again after
 * the restart.
 */
@ApplicationScoped
public class PatchesConsumer {

    /** Incoming channel = topic. */
    public static final String CHANNEL = Topics.PATCHES;

    private final RecordPipeline pipeline;
    private final Validator validator;
    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final ExecutorService workers;

    public PatchesConsumer(Pipelines pipelines, Validator validator, EventPublisher publisher, ValidatorConfig config,
            MeterRegistry meters) {
        this.pipeline = pipelines.forTopic(CHANNEL, Set.of(EventType.PATCH_APPLIED));
        this.validator = validator;
        this.publisher = publisher;
        this.meters = meters;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.workerConcurrency(), r -> {
            Thread t = new Thread(r, "validator-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        pipeline.process(Batches.list(records), this::validate);
    }

    private void validate(List<IncomingEvent> events, Refusals refusals) throws Exception {
        List<PatchflowEvent> outcomes = KeyOrder.map(events, workers,
                event -> validator.validate((PatchApplied) event.data()));
        publisher.publishAll(outcomes);
        for (PatchflowEvent outcome : outcomes) {
            meters.counter("patchflow.validator.validations", "outcome", outcomeTag(outcome)).increment();
        }
    }

    @PreDestroy
    void stop() {
        // Interrupts running checks: they end in ValidationInterruptedException and nothing is acknowledged.
        workers.shutdownNow();
    }

    private static String outcomeTag(PatchflowEvent outcome) {
        if (outcome instanceof ValidationPassed passed) {
            return passed.skipped() ? "skipped" : "passed";
        }
        return "failed";
    }
}
