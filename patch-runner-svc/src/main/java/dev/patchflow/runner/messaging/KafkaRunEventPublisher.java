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

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.patchflow.runner.config.RunnerProducers;
import dev.patchflow.runner.domain.rollout.RunEventPublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Emits {@code RunControlled}, {@code RunHalted}, {@code RunGateChanged} on {@link Topics#RUNS} (key
 * {@code runId}, deterministic id from the event's attempt) and waits for the broker's acknowledgement.
 */
@ApplicationScoped
public class KafkaRunEventPublisher implements RunEventPublisher {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.RUNS;

    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final Emitter<byte[]> emitter;
    private final EventCodec codec = new EventCodec();

    public KafkaRunEventPublisher(@Channel(CHANNEL) Emitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    @Override
    public void publish(PatchflowEvent data, int attempt) {
        CloudEvent<PatchflowEvent> event = CloudEvent.of(RunnerProducers.SOURCE, data, attempt);
        RecordHeaders headers = new RecordHeaders();
        codec.headers(event).forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.key())
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(codec.body(data), Metadata.of(metadata), () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
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
    }
}
