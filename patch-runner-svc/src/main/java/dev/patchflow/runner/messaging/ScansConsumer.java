package dev.patchflow.runner.messaging;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.common.annotation.Blocking;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.kit.messaging.IncomingEvent;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.kit.messaging.RecordPipeline;
import dev.patchflow.kit.messaging.Refusals;
import dev.patchflow.runner.domain.Dispatcher;
import dev.patchflow.runner.domain.RunSizes;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.ScanCompleted;

/**
 * {@link Topics#SCANS}: only {@code ScanCompleted} matters here, its target count is the base of a percentage
 * {@code maxConcurrency}. {@code InstanceScanned} and {@code RunRejected} are not decoded (their own consumers
 * validate them).
 */
@ApplicationScoped
public class ScansConsumer {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.SCANS;

    private final RecordPipeline pipeline;
    private final RunSizes runSizes;
    private final Dispatcher dispatcher;

    public ScansConsumer(Pipelines pipelines, RunSizes runSizes, Dispatcher dispatcher) {
        this.pipeline = pipelines.forTopic(CHANNEL, Set.of(EventType.SCAN_COMPLETED));
        this.runSizes = runSizes;
        this.dispatcher = dispatcher;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        pipeline.process(Batches.list(records), this::record);
    }

    private void record(List<IncomingEvent> events, Refusals refusals) {
        for (IncomingEvent event : events) {
            ScanCompleted completed = (ScanCompleted) event.data();
            runSizes.record(completed.runId(), completed.targetCount());
            dispatcher.targetCountKnown(completed.runId(), completed.targetCount());
        }
    }
}
