package dev.patchflow.validator.messaging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;

/** Publishes validation outcomes on {@link Topics#VALIDATIONS}: JSON body, {@code ce_*} headers, key runId/targetId. */
@ApplicationScoped
public class EventPublisher {

    /** The validator's {@code ce_source}. */
    public static final String SOURCE = "/patchflow/validator-svc";

    private final Emitter<byte[]> emitter;
    private final EventCodec codec;

    public EventPublisher(@Channel(Topics.VALIDATIONS) Emitter<byte[]> emitter, EventCodec codec) {
        this.emitter = emitter;
        this.codec = codec;
    }

    /**
     * Sends the event and returns only once the broker has acknowledged it, so that the caller
     * acknowledges its incoming record after the outcome is safely out (at-least-once).
     *
     * @throws IllegalStateException when the send failed (after the producer's own retries)
     */
    public void publish(CloudEvent<?> event) {
        RecordHeaders headers = new RecordHeaders();
        codec.headers(event).forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.key())
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Message<byte[]> message = Message.of(codec.body(event.data()), Metadata.of(metadata), () -> {
            sent.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            sent.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        });
        emitter.send(message);
        try {
            sent.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("could not publish " + event.type().simpleName() + " for " + event.key()
                    + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
