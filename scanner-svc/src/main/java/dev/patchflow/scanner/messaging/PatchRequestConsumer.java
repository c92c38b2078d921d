package dev.patchflow.scanner.messaging;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;

import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.ConflictingRequestException;
import dev.patchflow.scanner.domain.ScanResult;
import dev.patchflow.scanner.domain.Scanner;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.InvalidEventException;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;

/**
 * The {@code patchflow.requests} channel: decodes the record and hands a {@code PatchRequested} to the
 * {@link Scanner}. The record is acknowledged when the method returns (after every resulting event is
 * acknowledged by the broker). A thrown exception nacks it, and the channel's dead-letter strategy
 * writes it to {@code patchflow.requests.dlq} with the message as {@code dead-letter-reason}: an
 * undecodable record, a run id reused by a different request, or a failure that outlasted the retries.
 */
@ApplicationScoped
public class PatchRequestConsumer {

    public static final String CHANNEL = Topics.REQUESTS;

    private static final Logger LOG = Logger.getLogger(PatchRequestConsumer.class);

    private final EventCodec codec;
    private final Scanner scanner;
    private final ScannerConfig config;
    private final MeterRegistry metrics;

    @Inject
    public PatchRequestConsumer(EventCodec codec, Scanner scanner, ScannerConfig config, MeterRegistry metrics) {
        this.codec = codec;
        this.scanner = scanner;
        this.config = config;
        this.metrics = metrics;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        CloudEvent<?> event;
        try {
            event = codec.decode(record);
        } catch (InvalidEventException e) {
            metrics.counter("patchflow.scanner.requests", "outcome", "invalid").increment();
            throw e;
        }
        if (!(event.data() instanceof PatchRequested request)) {
            // Another type on this topic is somebody else's business, not an error.
            LOG.debugf("ignoring %s %s on %s", event.type().simpleName(), event.id(), CHANNEL);
            return;
        }
        long start = System.nanoTime();
        ScanResult result = scanWithRetries(request);
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

    private ScanResult scanWithRetries(PatchRequested request) {
        long backoff = config.retryBackoff().toMillis();
        for (int attempt = 1;; attempt++) {
            try {
                return scanner.scan(request);
            } catch (ConflictingRequestException e) {
                metrics.counter("patchflow.scanner.requests", "outcome", "conflict").increment();
                throw e;
            } catch (RuntimeException e) {
                // Mongo or the broker failed; the checkpoint makes another attempt safe.
                if (attempt >= config.attempts()) {
                    metrics.counter("patchflow.scanner.requests", "outcome", "failed").increment();
                    throw new IllegalStateException("run " + request.runId() + ": scan failed after " + attempt
                            + " attempts: " + e.getMessage(), e);
                }
                LOG.warnf(e, "run %s: attempt %d failed, retrying in %d ms", request.runId(), attempt, backoff);
                sleep(backoff);
                backoff *= 2;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between attempts", e);
        }
    }
}
