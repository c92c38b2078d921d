package dev.patchflow.backup.adapters.scheduler;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

import dev.patchflow.backup.config.BackupConfig;
import dev.patchflow.backup.domain.RetentionSweeper;

/** Runs the retention sweeper every {@code patchflow.backup.sweep-every}. */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final RetentionSweeper sweeper;
    private final Clock clock;
    private final MeterRegistry meters;
    private final BackupConfig config;

    @Inject
    public RetentionJob(RetentionSweeper sweeper, Clock clock, MeterRegistry meters, BackupConfig config) {
        this.config = config;
        this.sweeper = sweeper;
        this.clock = clock;
        this.meters = meters;
    }

    // Several replicas may sweep at once: that is harmless (deletes are idempotent, EXPIRED is
    // conditional on COMPLETED), so no lock is taken.
    @Scheduled(identity = "retention-sweeper", every = "${patchflow.backup.sweep-every:1h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        sweepNow();
    }

    /** One sweep now, counted in the metrics: the schedule's, or the retention CronJob's through the API. */
    public RetentionSweeper.Sweep sweepNow() {
        RetentionSweeper.Sweep sweep = sweeper.sweep(clock.instant(), config.sweepDryRun());
        if (config.sweepDryRun()) {
            LOG.infof("retention dry run (archives before %s): %d would be removed, %d could not be checked",
                    sweep.cutoff(), sweep.expired(), sweep.failed());
            return sweep;
        }
        meters.counter("patchflow.backup.expired").increment(sweep.expired());
        meters.counter("patchflow.backup.expiry.failures").increment(sweep.failed());
        if (sweep.expired() > 0 || sweep.failed() > 0) {
            LOG.infof("retention sweep (archives before %s): %d expired, %d failed", sweep.cutoff(), sweep.expired(),
                    sweep.failed());
        }
        return sweep;
    }
}
