package dev.patchflow.scanner.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.patchflow.kit.messaging.CloudEventSender;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.scanner.domain.ScanEvents;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Publishes the scanner's events on {@code patchflow.scans}: JSON body, {@code ce_*} headers, key
 * {@code runId/targetId}. Events are sent without waiting for each acknowledgement (service-kit's window of
 * {@code patchflow.kit.max-in-flight}), and {@link #publishAll} returns only when all are acknowledged, so a
 * 10,000 target run takes seconds and the incoming request is acknowledged only after its output is safe.
 */
@ApplicationScoped
public class EventPublisher implements ScanEvents {

    public static final String CHANNEL = Topics.SCANS;
    /**
     * PatchRequested received over HTTP ({@code POST /api/runs}), to {@code patchflow.requests}: a channel name of its
     * own because {@code patchflow.requests} is the incoming channel's.
     */
    public static final String REQUESTS_CHANNEL = "run-requests";

    private final CloudEventSender scans;
    private final CloudEventSender requests;
    private final String source;

    @Inject
    public EventPublisher(
            // The sender's window bounds what is buffered; the emitter's own bounded buffer would throw instead.
            @Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<byte[]> scans,
            @Channel(REQUESTS_CHANNEL) Emitter<byte[]> requests, Pipelines pipelines,
            @ConfigProperty(name = "quarkus.application.name") String applicationName) {
        this.scans = pipelines.sender(scans);
        this.requests = pipelines.sender(requests);
        this.source = "/patchflow/" + applicationName;
    }

    @Override
    public void publishAll(List<? extends PatchflowEvent> events) {
        scans.sendAll(events.stream().map(e -> CloudEvent.of(source, e)).toList());
    }

    /**
     * Publishes a run request on {@code patchflow.requests} and returns once the broker has it. The event id is
     * deterministic (run id and type), so a retried POST of the same request is one run downstream.
     */
    public CloudEvent<PatchRequested> publishRequest(PatchRequested request) {
        CloudEvent<PatchRequested> event = CloudEvent.of(source, request);
        requests.publish(event);
        return event;
    }
}
