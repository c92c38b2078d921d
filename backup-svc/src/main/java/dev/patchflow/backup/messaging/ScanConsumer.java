package dev.patchflow.backup.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Blocking;

import dev.patchflow.backup.domain.BackupOutcome;
import dev.patchflow.backup.domain.BackupService;
import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.kit.messaging.IncomingEvent;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.kit.messaging.RecordPipeline;
import dev.patchflow.kit.messaging.Refusals;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * The one incoming channel: {@code patchflow.scans}, a batch at a time. Hands the batch's
 * {@link InstanceScanned} events to the {@link BackupService} and publishes the outcomes. ScanCompleted and
 * RunRejected share the topic but are not ours. Poison records and dependency failures are the shared
 * pipeline's business ({@link RecordPipeline}).
 */
@ApplicationScoped
public class ScanConsumer {

    /** Incoming channel = topic. */
    public static final String CHANNEL = Topics.SCANS;

    private static final Logger LOG = Logger.getLogger(ScanConsumer.class);

    private final RecordPipeline pipeline;
    private final BackupService backups;
    private final EventPublisher publisher;
    private final MeterRegistry meters;

    @Inject
    public ScanConsumer(Pipelines pipelines, BackupService backups, EventPublisher publisher, MeterRegistry meters) {
        this.pipeline = pipelines.forTopic(CHANNEL, Set.of(EventType.INSTANCE_SCANNED));
        this.backups = backups;
        this.publisher = publisher;
        this.meters = meters;
    }

    // Blocking and ordered: a batch is handled before the next one, so one key's events stay in order.
    @Incoming(CHANNEL)
    @Blocking
    public void onScans(ConsumerRecords<String, byte[]> records) {
        pipeline.process(Batches.list(records), this::backUp);
    }

    private void backUp(List<IncomingEvent> events, Refusals refusals) {
        Timer.Sample started = Timer.start(meters);
        List<InstanceScanned> scanned = events.stream().map(e -> (InstanceScanned) e.data()).toList();
        List<BackupOutcome> outcomes = backups.backUpAll(scanned);
        List<PatchflowEvent> results = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            results.add(outcomes.get(i).toEvent(scanned.get(i).run(), scanned.get(i).target()));
        }
        publisher.publishAll(results);
        started.stop(meters.timer("patchflow.backup.batch.duration"));
        for (int i = 0; i < outcomes.size(); i++) {
            BackupOutcome outcome = outcomes.get(i);
            String kind = kind(outcome);
            meters.counter("patchflow.backup.outcomes", "outcome", kind, "replayed",
                    String.valueOf(outcome.replayed())).increment();
            LOG.debugf("%s %s: %s%s", kind, events.get(i).key(), results.get(i).getClass().getSimpleName(),
                    outcome.replayed() ? " (recorded outcome re-emitted)" : "");
        }
    }

    private static String kind(BackupOutcome outcome) {
        if (outcome instanceof BackupOutcome.Created) {
            return "completed";
        }
        return outcome instanceof BackupOutcome.Skipped ? "skipped" : "failed";
    }
}
