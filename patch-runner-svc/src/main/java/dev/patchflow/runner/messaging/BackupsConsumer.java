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

/**
 * {@link Topics#BACKUPS} → {@link BackupIntake}, a batch at a time. The intake only records and returns (the
 * dispatcher executes), so the consumer keeps up with thousands of targets; a batch's targets are taken in
 * with bulk writes, in up to {@code patchflow.runner.intake-concurrency} chunks at once (one target's events in
 * one chunk, in order).
 */
@ApplicationScoped
public class BackupsConsumer {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.BACKUPS;

    private final RecordPipeline pipeline;
    private final BackupIntake intake;
    private final ExecutorService workers;
    private final int concurrency;

    public BackupsConsumer(Pipelines pipelines, BackupIntake intake, RunnerConfig config) {
        this.concurrency = Math.max(1, config.intakeConcurrency());
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

    /**
     * The batch goes to {@link BackupIntake#acceptAll} in at most {@code intake-concurrency} chunks taken in
     * concurrently: a chunk costs a constant number of writes per run however many targets it holds, and a key's
     * events stay in one chunk, in record order (a later copy is a redelivery of the first).
     */
    private void takeIn(List<IncomingEvent> events, Refusals refusals) throws Exception {
        KeyOrder.inChunks(events, concurrency, workers,
                chunk -> intake.acceptAll(chunk.stream().map(IncomingEvent::data).toList()));
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
