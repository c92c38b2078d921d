package dev.patchflow.scanner.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.ScanEvents;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Publishes the scanner's events on {@code patchflow.scans}: JSON body, {@code ce_*} headers, key
 * {@code runId/targetId}. Events are sent without waiting for each acknowledgement (a window of
 * {@code max-in-flight}), and {@link #publishAll} returns only when all are acknowledged, so a 10,000
 * target run takes seconds and the incoming request is acknowledged only after its output is safe.
 */
@ApplicationScoped
public class EventPublisher implements ScanEvents {

    public static final String CHANNEL = Topics.SCANS;
    /**
     * PatchRequested received over HTTP ({@code POST /api/runs}), to {@code patchflow.requests}: a channel name of its
     * own because {@code patchflow.requests} is the incoming channel's.
     */
    public static final String REQUESTS_CHANNEL = "run-requests";

    private final Emitter<byte[]> emitter;
    private final Emitter<byte[]> requests;
    private final EventCodec codec;
    private final String source;
    private final int maxInFlight;
    private final Duration sendTimeout;

    @Inject
    public EventPublisher(
            // The window below bounds what is buffered; the emitter's own bounded buffer would throw instead.
            @Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<byte[]> emitter,
            @Channel(REQUESTS_CHANNEL) Emitter<byte[]> requests, EventCodec codec, ScannerConfig config,
            @ConfigProperty(name = "quarkus.application.name") String applicationName) {
        this.emitter = emitter;
        this.requests = requests;
        this.codec = codec;
        this.source = "/patchflow/" + applicationName;
        this.maxInFlight = Math.max(1, config.maxInFlight());
        this.sendTimeout = config.sendTimeout();
    }

    @Override
    public void publishAll(List<? extends PatchflowEvent> events) {
        Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        for (PatchflowEvent event : events) {
            if (inFlight.size() >= maxInFlight) {
                await(inFlight.removeFirst());
            }
            inFlight.addLast(send(emitter, CloudEvent.of(source, event)));
        }
        while (!inFlight.isEmpty()) {
            await(inFlight.removeFirst());
        }
    }

    /**
     * Publishes a run request on {@code patchflow.requests} and returns once the broker has it. The event id is
     * deterministic (run id and type), so a retried POST of the same request is one run downstream.
     */
    public CloudEvent<PatchRequested> publishRequest(PatchRequested request) {
        CloudEvent<PatchRequested> event = CloudEvent.of(source, request);
        await(send(requests, event));
        return event;
    }

    private CompletableFuture<Void> send(Emitter<byte[]> target, CloudEvent<?> event) {
        RecordHeaders headers = new RecordHeaders();
        codec.headers(event).forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.key())
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        target.send(Message.of(codec.body(event.data()), Metadata.of(kafka), () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return acked;
    }

    private void await(CompletableFuture<Void> acked) {
        try {
            acked.get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker refused an event: " + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("an event was not acknowledged within " + sendTimeout,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        }
    }
}
