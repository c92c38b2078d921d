package dev.patchflow.runner.messaging;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.common.annotation.Blocking;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.kit.messaging.IncomingEvent;
import dev.patchflow.kit.messaging.KeyOrder;
import dev.patchflow.kit.messaging.Pipelines;
import dev.patchflow.kit.messaging.RecordPipeline;
import dev.patchflow.kit.messaging.Refusals;
import dev.patchflow.runner.config.RunnerConfig;
import dev.patchflow.runner.domain.BackupIntake;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;

/**
 * {@link Topics#BACKUPS} → {@link BackupIntake}, a batch at a time. The intake only records and returns (the
 * dispatcher executes), so the consumer keeps up with thousands of targets; a batch's targets are taken in
 * concurrently ({@code patchflow.runner.intake-concurrency}, one target's events in order).
 */
@ApplicationScoped
public class BackupsConsumer {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.BACKUPS;

    private final RecordPipeline pipeline;
    private final BackupIntake intake;
    private final ExecutorService workers;

    public BackupsConsumer(Pipelines pipelines, BackupIntake intake, RunnerConfig config) {
        int concurrency = Math.max(1, config.intakeConcurrency());
        this.pipeline = pipelines.forTopic(CHANNEL, Set.of(EventType.BACKUP_COMPLETED, EventType.BACKUP_FAILED));
        this.intake = intake;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "runner-intake-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        pipeline.process(Batches.list(records), this::takeIn);
    }

    private void takeIn(List<IncomingEvent> events, Refusals refusals) throws Exception {
        KeyOrder.map(events, workers, event -> event.data() instanceof BackupCompleted completed
                ? intake.onBackupCompleted(completed)
                : intake.onBackupFailed((BackupFailed) event.data()));
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
