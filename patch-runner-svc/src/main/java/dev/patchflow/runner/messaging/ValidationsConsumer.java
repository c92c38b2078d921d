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
import dev.patchflow.runner.adapters.aws.PowerStateRestorer;
import dev.patchflow.runner.domain.Dispatcher;
import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/**
 * {@link Topics#VALIDATIONS} → the rollout state: a {@code ValidationFailed} counts against the run's error
 * budget, a {@code ValidationPassed} verifies a target (a canary batch is verified when all its targets are).
 * Idempotent (set updates), so a redelivery changes nothing.
 */
@ApplicationScoped
public class ValidationsConsumer {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.VALIDATIONS;

    private final RecordPipeline pipeline;
    private final RolloutScheduler scheduler;
    private final Dispatcher dispatcher;
    private final PowerStateRestorer power;

    public ValidationsConsumer(Pipelines pipelines, RolloutScheduler scheduler, Dispatcher dispatcher,
            PowerStateRestorer power) {
        this.pipeline = pipelines.forTopic(CHANNEL,
                Set.of(EventType.VALIDATION_PASSED, EventType.VALIDATION_FAILED));
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.power = power;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        pipeline.process(Batches.list(records), this::record);
    }

    private void record(List<IncomingEvent> events, Refusals refusals) {
        for (IncomingEvent event : events) {
            if (event.data() instanceof ValidationPassed passed) {
                scheduler.validated(passed.runId(), passed.targetId(), true);
                power.afterValidation(passed.run(), passed.target());
            } else {
                ValidationFailed failed = (ValidationFailed) event.data();
                scheduler.validated(failed.runId(), failed.targetId(), false);
                power.afterValidation(failed.run(), failed.target());
            }
        }
        // A verified canary may open its gate; a failure may halt the run: the dispatcher looks again.
        dispatcher.wake();
    }
}
