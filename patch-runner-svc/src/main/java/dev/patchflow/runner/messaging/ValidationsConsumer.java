package dev.patchflow.runner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.smallrye.common.annotation.Blocking;

import dev.patchflow.runner.adapters.aws.PowerStateRestorer;
import dev.patchflow.runner.domain.Dispatcher;
import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/**
 * {@link Topics#VALIDATIONS} → the rollout state: a {@code ValidationFailed} counts against the run's error
 * budget, a {@code ValidationPassed} verifies a target (a canary batch is verified when all its targets are).
 * Idempotent (set updates), so a redelivery changes nothing. A record that does not decode goes to
 * {@code patchflow.validations.dlq}.
 */
@ApplicationScoped
public class ValidationsConsumer {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.VALIDATIONS;

    private final EventCodec codec = new EventCodec();
    private final RolloutScheduler scheduler;
    private final Dispatcher dispatcher;
    private final PowerStateRestorer power;

    public ValidationsConsumer(RolloutScheduler scheduler, Dispatcher dispatcher, PowerStateRestorer power) {
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.power = power;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) {
        CloudEvent<?> event = codec.decode(record);
        if (event.data() instanceof ValidationPassed passed) {
            scheduler.validated(passed.runId(), passed.targetId(), true);
            power.afterValidation(passed.run(), passed.target());
        } else if (event.data() instanceof ValidationFailed failed) {
            scheduler.validated(failed.runId(), failed.targetId(), false);
            power.afterValidation(failed.run(), failed.target());
        } else {
            return;
        }
        // A verified canary may open its gate; a failure may halt the run: the dispatcher looks again.
        dispatcher.wake();
    }
}
