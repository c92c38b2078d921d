package dev.patchflow.kit.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;

/**
 * Publishes CloudEvents (Kafka binary mode: {@code ce_*} headers, JSON body, key {@code runId[/targetId]}) on
 * one outgoing channel. Sends never wait for each other: {@link #sendAll} keeps up to {@code maxInFlight}
 * unacknowledged and returns once the broker acknowledged every one, so a caller acknowledges its input only
 * after its output is safe (at-least-once), at the broker's batched speed rather than one round trip a record.
 * <p>
 * A refused or unacknowledged send throws {@link PublishException}: a transient failure for the incoming
 * pipeline, which retries the batch (the events carry deterministic ids, so a re-send is a recognisable
 * duplicate downstream).
 */
public final class CloudEventSender {

    private final Emitter<byte[]> emitter;
    private final EventCodec codec;
    private final int maxInFlight;
    private final Duration ackTimeout;

    public CloudEventSender(Emitter<byte[]> emitter, EventCodec codec, int maxInFlight, Duration ackTimeout) {
        this.emitter = emitter;
        this.codec = codec;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.ackTimeout = ackTimeout;
    }

    /** Sends without waiting; the future completes when the broker acknowledged the record. */
    public CompletableFuture<Void> send(CloudEvent<?> event) {
        RecordHeaders headers = new RecordHeaders();
        codec.headers(event).forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.key())
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        emitter.send(Message.of(codec.body(event.data()), Metadata.of(kafka), () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return acked;
    }

    /** Sends one event and waits for its acknowledgement. */
    public void publish(CloudEvent<?> event) {
        await(send(event), event);
    }

    /** Sends every event, at most {@code maxInFlight} unacknowledged at a time; returns when all are acknowledged. */
    public void sendAll(Collection<? extends CloudEvent<?>> events) {
        Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        Deque<CloudEvent<?>> sent = new ArrayDeque<>();
        for (CloudEvent<?> event : events) {
            if (inFlight.size() >= maxInFlight) {
                await(inFlight.removeFirst(), sent.removeFirst());
            }
            inFlight.addLast(send(event));
            sent.addLast(event);
        }
        while (!inFlight.isEmpty()) {
            await(inFlight.removeFirst(), sent.removeFirst());
        }
    }

    private void await(CompletableFuture<Void> acked, CloudEvent<?> event) {
        try {
            acked.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishException("the broker refused " + event.type().simpleName() + " " + event.id() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException(event.type().simpleName() + " " + event.id()
                    + " was not acknowledged by the broker within " + ackTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing " + event.id(), e);
        }
    }
}
