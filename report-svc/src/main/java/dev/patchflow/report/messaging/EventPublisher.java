package dev.patchflow.report.messaging;

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

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.patchflow.report.config.ReportConfig;
import dev.patchflow.report.domain.CompletionPublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.RunCompleted;

/**
 * Publishes RunCompleted on {@code patchflow.runs} through the outgoing channel {@value #CHANNEL}. The
 * channel cannot be named after the topic, because the incoming channel {@code patchflow.runs} (our own
 * events coming back) already has that name.
 */
@ApplicationScoped
public class EventPublisher implements CompletionPublisher {

    public static final String CHANNEL = "run-completed";

    private final Emitter<byte[]> emitter;
    private final EventCodec codec;
    private final ReportConfig config;

    public EventPublisher(@Channel(CHANNEL) Emitter<byte[]> emitter, EventCodec codec, ReportConfig config) {
        this.emitter = emitter;
        this.codec = codec;
        this.config = config;
    }

    /** Blocks until the broker acknowledged, so the run is marked COMPLETED only after the event is out. */
    @Override
    public String publish(RunCompleted data) {
        CloudEvent<RunCompleted> event = CloudEvent.of(config.source(), data);
        RecordHeaders headers = new RecordHeaders();
        codec.headers(event).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).withHeaders(headers).build();
        var acked = new CompletableFuture<Void>();
        emitter.send(Message.of(codec.body(data)).addMetadata(metadata).withAck(() -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }).withNack(e -> {
            acked.completeExceptionally(e);
            return CompletableFuture.completedFuture(null);
        }));
        try {
            acked.get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing RunCompleted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("RunCompleted for run " + data.runId() + " was not acknowledged", e);
        }
        return event.id();
    }
}
