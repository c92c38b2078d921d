package dev.patchflow.runner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.common.annotation.Blocking;

import dev.patchflow.runner.domain.Dispatcher;
import dev.patchflow.runner.domain.RunSizes;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.ScanCompleted;

/**
 * {@link Topics#SCANS}: only {@code ScanCompleted} matters here, its target count is the base of a
 * percentage {@code maxConcurrency}. {@code InstanceScanned} and {@code RunRejected} are acknowledged and
 * ignored; a {@code ScanCompleted} that does not decode, or a record of a missing or unknown type, goes to
 * {@code patchflow.scans.dlq}.
 */
@ApplicationScoped
public class ScansConsumer {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.SCANS;

    private final EventCodec codec = new EventCodec();
    private final RunSizes runSizes;
    private final Dispatcher dispatcher;

    public ScansConsumer(RunSizes runSizes, Dispatcher dispatcher) {
        this.runSizes = runSizes;
        this.dispatcher = dispatcher;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        String ceType = EventCodec.headerMap(record.headers()).get(CloudEventHeaders.TYPE);
        if (EventType.fromCeType(ceType).filter(t -> t != EventType.SCAN_COMPLETED).isPresent()) {
            // A known type that is not ours (one InstanceScanned per target): not even decoded, its own
            // consumers validate it. Missing or unknown types are decoded and so dead-lettered.
            return;
        }
        CloudEvent<?> event = codec.decode(record);
        if (event.data() instanceof ScanCompleted completed) {
            runSizes.record(completed.runId(), completed.targetCount());
            dispatcher.targetCountKnown(completed.runId(), completed.targetCount());
        }
    }
}
