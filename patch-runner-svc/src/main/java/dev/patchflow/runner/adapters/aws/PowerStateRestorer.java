package dev.patchflow.runner.adapters.aws;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.AwsErrors;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.runner.config.RunnerConfig;
import dev.patchflow.runner.domain.OutcomePublisher;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.PowerStateRestored;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

import software.amazon.awssdk.core.exception.SdkException;

/**
 * After the validation of an instance the {@code ssm} executor started for patching, puts it back into the power
 * state it was scanned in when the run asks for it ({@code server_start.restore_power_state}): StopInstances, the
 * SDK's {@code instanceStopped} waiter, then {@code PowerStateRestored} (the target's terminal event for the report).
 * <p>
 * Runs on the validations consumer before the record is acknowledged: a crash redelivers the validation and the stop
 * is done again, which is harmless (stopping a stopped instance changes nothing, the event id is deterministic).
 */
@ApplicationScoped
public class PowerStateRestorer {

    private static final Logger LOG = Logger.getLogger(PowerStateRestorer.class);

    private final LandingZoneSource zones;
    private final AwsClients clients;
    private final RunnerConfig.Ssm config;
    private final OutcomePublisher publisher;
    private final Clock clock;

    @Inject
    public PowerStateRestorer(LandingZoneSource zones, AwsClients clients, RunnerConfig config,
            OutcomePublisher publisher, Clock clock) {
        this.zones = zones;
        this.clients = clients;
        this.config = config.ssm();
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Restores the target's power state if the run asks for it; otherwise does nothing. */
    public void afterValidation(RunContext run, Target target) {
        if (!AwsOptions.restoresPowerOf(run, target)) {
            return;
        }
        String instanceId = target.aws().instanceId();
        PowerStateRestored outcome;
        try {
            InstancePower.stop(clients.ec2(zones.zone(target.landingZone()), target.aws().region(), run.runId()),
                    instanceId, config.startWaitTimeout(), config.pollInterval());
            outcome = new PowerStateRestored(run, target, target.state(), AwsOptions.STOPPED, true, null,
                    clock.instant());
            LOG.infof("%s/%s: %s stopped again after validation (it was stopped when scanned)", run.runId(),
                    target.id(), instanceId);
        } catch (SdkException | IllegalStateException e) {
            outcome = new PowerStateRestored(run, target, target.state(), "running", false,
                    "could not stop " + instanceId + " again: " + AwsErrors.describe(e), clock.instant());
            LOG.warnf("%s/%s: %s", run.runId(), target.id(), outcome.reason());
        } catch (RuntimeException e) {
            outcome = new PowerStateRestored(run, target, target.state(), "running", false,
                    "could not stop " + instanceId + " again: " + e.getMessage(), clock.instant());
        }
        publisher.publish(outcome);
    }
}
