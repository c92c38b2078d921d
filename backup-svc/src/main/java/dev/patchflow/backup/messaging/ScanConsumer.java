package dev.patchflow.backup.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Blocking;

import dev.patchflow.backup.domain.BackupOutcome;
import dev.patchflow.backup.domain.BackupService;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.InvalidEventException;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * The one incoming channel: {@code patchflow.scans}. Decodes each record, hands an
 * {@link InstanceScanned} to the {@link BackupService} and publishes the outcome.
 * <p>
 * A record that cannot be decoded throws, which nacks it and sends it to {@code patchflow.scans.dlq}
 * with the reason in {@code dead-letter-reason}; the consumer goes on. ScanCompleted and RunRejected
 * share the topic but are not ours: they are acknowledged without a word.
 */
@ApplicationScoped
public class ScanConsumer {

    /** Incoming channel = topic. */
    public static final String CHANNEL = Topics.SCANS;

    /** {@code ce_source} of every event this service emits. */
    public static final String SOURCE = "/patchflow/backup-svc";

    private static final Logger LOG = Logger.getLogger(ScanConsumer.class);

    private final EventCodec codec;
    private final BackupService backups;
    private final EventPublisher publisher;
    private final MeterRegistry meters;

    @Inject
    public ScanConsumer(EventCodec codec, BackupService backups, EventPublisher publisher, MeterRegistry meters) {
        this.codec = codec;
        this.backups = backups;
        this.publisher = publisher;
        this.meters = meters;
    }

    // Blocking and ordered: archiving and uploading block, and one key's events must stay in order.
    @Incoming(CHANNEL)
    @Blocking
    public void onScan(ConsumerRecord<String, byte[]> record) {
        CloudEvent<?> event = codec.decode(record);
        if (!(event.data() instanceof InstanceScanned scanned)) {
            if (!CHANNEL.equals(event.type().topic())) {
                throw new InvalidEventException(event.type().simpleName() + " does not belong on " + CHANNEL);
            }
            LOG.debugf("ignoring %s %s: not handled by backup-svc", event.type().simpleName(), event.id());
            return;
        }
        Timer.Sample started = Timer.start(meters);
        BackupOutcome outcome = backups.backUp(scanned);
        PatchflowEvent result = outcome.toEvent(scanned.run(), scanned.target());
        // Attempt 0 always: the event is about the fact (this run, this target), so a re-emitted
        // outcome carries the id of the first emission and downstream drops it as a duplicate.
        publisher.publish(CloudEvent.of(SOURCE, result));
        String kind = kind(outcome);
        started.stop(meters.timer("patchflow.backup.duration", "outcome", kind));
        meters.counter("patchflow.backup.outcomes", "outcome", kind, "replayed", String.valueOf(outcome.replayed()))
                .increment();
        LOG.infof("%s %s: %s%s", kind, event.key(), result.getClass().getSimpleName(),
                outcome.replayed() ? " (recorded outcome re-emitted)" : "");
    }

    private static String kind(BackupOutcome outcome) {
        if (outcome instanceof BackupOutcome.Created) {
            return "completed";
        }
        return outcome instanceof BackupOutcome.Skipped ? "skipped" : "failed";
    }
}
