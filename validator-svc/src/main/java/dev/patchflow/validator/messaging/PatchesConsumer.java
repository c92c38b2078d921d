package dev.patchflow.validator.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.ValidationPassed;
import dev.patchflow.validator.domain.Validator;

/**
 * The one inbound adapter: decodes records of {@link Topics#PATCHES} and validates every
 * {@link PatchApplied}.
 *
 * <p>
 * Idempotency without state: the checks only read the target, so running them again on a redelivery
 * is harmless, and the outcome event has a deterministic id (type, run, target) that downstream
 * dedupes on. The record is acknowledged only after the outcome is acknowledged by the broker.
 *
 * <p>
 * An undecodable record throws {@link dev.patchflow.schemas.InvalidEventException}: the message is
 * nacked and the dead-letter strategy writes it to {@code patchflow.patches.dlq} with the exception
 * message as {@code dead-letter-reason}. {@code PatchFailed} (and any other valid type) is not ours
 * to validate and is simply acknowledged.
 */
@ApplicationScoped
public class PatchesConsumer {

    /** Worker pool sized by {@code patchflow.validator.worker-concurrency}. */
    public static final String WORKER_POOL = "validator-workers";

    private static final Logger LOG = Logger.getLogger(PatchesConsumer.class);

    private final EventCodec codec;
    private final Validator validator;
    private final EventPublisher publisher;
    private final MeterRegistry meters;

    public PatchesConsumer(EventCodec codec, Validator validator, EventPublisher publisher, MeterRegistry meters) {
        this.codec = codec;
        this.validator = validator;
        this.publisher = publisher;
        this.meters = meters;
    }

    /**
     * Runs on the worker pool, unordered: targets are validated concurrently. Order across targets
     * does not matter (each outcome is keyed by its own target), and the Kafka connector commits an
     * offset only once every record before it is acknowledged.
     */
    @Incoming(Topics.PATCHES)
    @Blocking(value = WORKER_POOL, ordered = false)
    public void consume(ConsumerRecord<String, byte[]> record) {
        CloudEvent<?> event = codec.decode(record);
        if (!(event.data() instanceof PatchApplied applied)) {
            return;
        }
        PatchflowEvent outcome = validator.validate(applied);
        publisher.publish(CloudEvent.of(EventPublisher.SOURCE, outcome));
        meters.counter("patchflow.validator.validations", "outcome", outcomeTag(outcome)).increment();
        LOG.debugf("%s %s/%s", outcome.getClass().getSimpleName(), applied.runId(), applied.targetId());
    }

    private static String outcomeTag(PatchflowEvent outcome) {
        if (outcome instanceof ValidationPassed passed) {
            return passed.skipped() ? "skipped" : "passed";
        }
        return "failed";
    }
}
