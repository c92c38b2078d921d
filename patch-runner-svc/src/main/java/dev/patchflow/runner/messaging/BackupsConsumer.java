package dev.patchflow.runner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.annotations.Blocking;

import dev.patchflow.runner.domain.BackupIntake;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.InvalidEventException;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;

/**
 * {@link Topics#BACKUPS} → {@link BackupIntake}. Only records and returns (the dispatcher executes), so the
 * consumer keeps up with thousands of targets. A record that does not decode throws
 * {@link InvalidEventException}: the channel's dead-letter strategy sends it to {@code patchflow.backups.dlq}
 * with the exception message as {@code dead-letter-reason}.
 */
@ApplicationScoped
public class BackupsConsumer {

    /** Channel = topic. */
    public static final String CHANNEL = Topics.BACKUPS;

    /** Worker pool of the intake; its size is {@code smallrye.messaging.worker.runner-intake.max-concurrency}. */
    public static final String INTAKE_POOL = "runner-intake";

    private static final Logger LOG = Logger.getLogger(BackupsConsumer.class);

    private final EventCodec codec = new EventCodec();
    private final BackupIntake intake;

    public BackupsConsumer(BackupIntake intake) {
        this.intake = intake;
    }

    /**
     * Unordered on a bounded pool: the intake is idempotent per {@code runId/targetId} and commutative, so
     * records need not wait for each other; the connector still commits offsets only up to the oldest
     * unacknowledged record.
     */
    @Incoming(CHANNEL)
    @Blocking(value = INTAKE_POOL, ordered = false)
    public void consume(ConsumerRecord<String, byte[]> record) {
        CloudEvent<?> event = codec.decode(record);
        if (event.data() instanceof BackupCompleted completed) {
            BackupIntake.Result result = intake.onBackupCompleted(completed);
            LOG.debugf("BackupCompleted %s/%s: %s", completed.runId(), completed.targetId(), result);
        } else if (event.data() instanceof BackupFailed failed) {
            BackupIntake.Result result = intake.onBackupFailed(failed);
            LOG.debugf("BackupFailed %s/%s: %s", failed.runId(), failed.targetId(), result);
        }
        // Any other valid type on this topic is not ours: acknowledged and ignored.
    }
}
