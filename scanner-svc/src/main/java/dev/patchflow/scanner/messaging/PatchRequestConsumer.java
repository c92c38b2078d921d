package dev.patchflow.scanner.messaging;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.kit.messaging.IncomingEvent;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.kit.messaging.RecordPipeline;
import dev.patchflow.kit.messaging.Refusals;
import dev.patchflow.scanner.domain.ConflictingRequestException;
import dev.patchflow.scanner.domain.ScanResult;
import dev.patchflow.scanner.domain.Scanner;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;

/**
 * The {@code patchflow.requests} channel, a batch at a time: each {@code PatchRequested} goes to the
 * {@link Scanner}, and the batch is acknowledged once every resulting event is acknowledged by the broker. A
 * run id reused by a different request is refused (dead-lettered with the reason); undecodable records and
 * dependency failures are the shared pipeline's business ({@link RecordPipeline}): a failed scan is retried,
 * and the scan checkpoint makes that safe.
 */
@ApplicationScoped
public class PatchRequestConsumer {

    public static final String CHANNEL = Topics.REQUESTS;

    private static final Logger LOG = Logger.getLogger(PatchRequestConsumer.class);

    private final RecordPipeline pipeline;
    private final Scanner scanner;
    private final MeterRegistry metrics;

    @Inject
    public PatchRequestConsumer(Pipelines pipelines, Scanner scanner, MeterRegistry metrics) {
        this.pipeline = pipelines.forTopic(CHANNEL, Set.of(EventType.PATCH_REQUESTED));
        this.scanner = scanner;
        this.metrics = metrics;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        pipeline.process(Batches.list(records), this::scan);
    }

    private void scan(List<IncomingEvent> events, Refusals refusals) {
        for (IncomingEvent event : events) {
            PatchRequested request = (PatchRequested) event.data();
            long start = System.nanoTime();
            ScanResult result;
            try {
                result = scanner.scan(request);
            } catch (ConflictingRequestException e) {
                metrics.counter("patchflow.scanner.requests", "outcome", "conflict").increment();
                refusals.refuse(event, e.getMessage());
                continue;
            }
            long tookNanos = System.nanoTime() - start;
            metrics.timer("patchflow.scanner.scan.duration").record(tookNanos, TimeUnit.NANOSECONDS);
            metrics.counter("patchflow.scanner.requests", "outcome",
                    result.replayed() ? "replayed" : result.state().name().toLowerCase()).increment();
            metrics.counter("patchflow.scanner.targets.emitted").increment(result.targetCount());
            LOG.infof("run %s: %s, %d targets in %d ms%s%s", result.runId(), result.state(), result.targetCount(),
                    TimeUnit.NANOSECONDS.toMillis(tookNanos),
                    result.replayed() ? " (recorded earlier, re-emitted)" : "",
                    result.reason() == null ? "" : ": " + result.reason());
        }
    }
}
