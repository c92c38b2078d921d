package dev.patchflow.validator.messaging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.InvalidEventException;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.ValidationPassed;
import dev.patchflow.validator.domain.ValidationInterruptedException;
import dev.patchflow.validator.domain.Validator;

/**
 * The one inbound adapter: decodes records of {@link Topics#PATCHES} and validates every
 * {@link PatchApplied}.
 *
 * <p>
 * Idempotency without state: the checks only read the target, so running them again on a redelivery
 * is harmless, and the outcome event has a deterministic id (type, run, target) that downstream
 * dedupes on. The record is acknowledged only after the broker acknowledged the outcome.
 *
 * <p>
 * Acknowledgement is explicit (a {@link Message} parameter) because there are three endings, not
 * two: ack (outcome out, or a type that is not ours such as {@code PatchFailed}), nack (the record
 * does not decode, or the outcome could not be published: the dead-letter strategy writes it to
 * {@code patchflow.patches.dlq} with the exception message as {@code dead-letter-reason}), and
 * neither (shutdown interrupted a check: the record is delivered again after the restart).
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
     * Runs on the worker pool, unordered: targets are validated concurrently. Order across records
     * does not matter (each outcome is keyed by its own target), and the Kafka connector commits an
     * offset only once every record before it is acknowledged.
     */
    @Incoming(Topics.PATCHES)
    @Blocking(value = WORKER_POOL, ordered = false)
    public CompletionStage<Void> consume(Message<byte[]> message) {
        CloudEvent<?> event;
        try {
            event = codec.decode(EventCodec.headerMap(headers(message)), message.getPayload());
        } catch (InvalidEventException e) {
            return message.nack(e);
        }
        if (!(event.data() instanceof PatchApplied applied)) {
            return message.ack();
        }
        PatchflowEvent outcome;
        try {
            outcome = validator.validate(applied);
        } catch (ValidationInterruptedException e) {
            LOG.infof("validation of %s interrupted by shutdown; left unacknowledged for redelivery", event.key());
            return CompletableFuture.completedFuture(null);
        }
        try {
            publisher.publish(CloudEvent.of(EventPublisher.SOURCE, outcome));
        } catch (IllegalStateException e) {
            return message.nack(e);
        }
        meters.counter("patchflow.validator.validations", "outcome", outcomeTag(outcome)).increment();
        LOG.debugf("%s for %s", outcome.getClass().getSimpleName(), event.key());
        return message.ack();
    }

    private static Headers headers(Message<byte[]> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getHeaders)
                .orElse(null);
    }

    private static String outcomeTag(PatchflowEvent outcome) {
        if (outcome instanceof ValidationPassed passed) {
            return passed.skipped() ? "skipped" : "passed";
        }
        return "failed";
    }
}
