package dev.patchflow.runner.messaging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.patchflow.runner.config.RunnerProducers;
import dev.patchflow.runner.domain.OutcomePublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Emits {@code PatchApplied} / {@code PatchFailed} on {@link Topics#PATCHES}: CloudEvents headers, key
 * {@code runId/targetId}, deterministic id (so a re-emission is a recognisable duplicate), and waits for
 * the broker's acknowledgement.
 */
@ApplicationScoped
public class KafkaOutcomePublisher implements OutcomePublisher {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.PATCHES;

    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final Emitter<byte[]> emitter;
    private final EventCodec codec = new EventCodec();
    private final MeterRegistry meters;

    public KafkaOutcomePublisher(@Channel(CHANNEL) Emitter<byte[]> emitter, MeterRegistry meters) {
        this.emitter = emitter;
        this.meters = meters;
    }

    @Override
    public void publish(PatchflowEvent outcome) {
        CloudEvent<PatchflowEvent> event = CloudEvent.of(RunnerProducers.SOURCE, outcome);
        RecordHeaders headers = new RecordHeaders();
        codec.headers(event).forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.key())
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<byte[]> message = Message.of(codec.body(outcome), Metadata.of(metadata), () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        });
        emitter.send(message);
        try {
            acked.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + event.id(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("broker refused " + event.type().simpleName() + " " + event.id() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no acknowledgement for " + event.id() + " within "
                    + ACK_TIMEOUT_SECONDS + "s", e);
        }
        String status = outcome instanceof PatchApplied applied
                ? applied.status().name()
                : outcome instanceof PatchNotStarted notStarted ? notStarted.status().name() : "FAILED";
        meters.counter("patchflow.runner.outcomes", "type", event.type().simpleName(), "status", status).increment();
    }
}
