package dev.patchflow.backup.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;

/**
 * Publishes this service's events on {@code patchflow.backups}: CloudEvents binary mode, keyed by
 * {@code runId/targetId}. {@link #publish} returns only once the broker acknowledged the record, so
 * the incoming record is acknowledged after its outcome is out (at-least-once).
 */
@ApplicationScoped
public class EventPublisher {

    /** Outgoing channel = topic. */
    public static final String CHANNEL = Topics.BACKUPS;

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final Emitter<byte[]> emitter;
    private final EventCodec codec;

    @Inject
    public EventPublisher(@Channel(CHANNEL) Emitter<byte[]> emitter, EventCodec codec) {
        this.emitter = emitter;
        this.codec = codec;
    }

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
            sent.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + event.type().simpleName(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot publish " + event.type().simpleName() + " " + event.id() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "publishing " + event.type().simpleName() + " " + event.id() + " timed out after " + SEND_TIMEOUT,
                    e);
        }
    }
}
