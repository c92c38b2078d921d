package dev.patchflow.runner.config;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.patchflow.runner.adapters.mongo.MongoRolloutStore;
import dev.patchflow.runner.adapters.mongo.RunnerDatabase;
import dev.patchflow.runner.domain.AdoptionStore;
import dev.patchflow.runner.domain.Dispatcher;
import dev.patchflow.runner.domain.ExecutorRegistry;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.RunnerSettings;

/**
 * Starts the dispatcher with the application, after the executors have recovered what a stopped runner left
 * half done: its first pass resumes READY and expired RUNNING targets, and the RUNNING targets of this instance
 * id from before a restart.
 */
@ApplicationScoped
public class DispatcherLifecycle {

    private static final Logger LOG = Logger.getLogger(DispatcherLifecycle.class);

    /** RUNNING targets handed to their executors' recovery at start, at most. */
    private static final int RECOVERY_BATCH = 10_000;

    void onStart(@Observes StartupEvent event, RunnerDatabase database, MongoRolloutStore rollouts,
            RunTargetStore store, ExecutorRegistry executors, Dispatcher dispatcher, AdoptionStore adoption,
            RunnerSettings settings, Clock clock) {
        try {
            database.ensureIndexes();
        } catch (RuntimeException e) {
            // Indexes only speed queries up; the runner works (slower) without them.
            LOG.warn("cannot create the run_targets indexes", e);
        }
        int migrated = rollouts.migrateLegacy();
        if (migrated > 0) {
            LOG.infof("converted the rollout state of %d runs to counters", migrated);
        }
        recoverInterrupted(store, executors);
        // Targets this instance id claimed before a restart are its own: take them back now rather than after
        // their lease; their children are adopted when they are dispatched again.
        long resumed = adoption.releaseClaimsOf(settings.instanceId(), clock.instant());
        if (resumed > 0) {
            LOG.infof("resuming %d targets claimed by %s before the restart", resumed, settings.instanceId());
        }
        dispatcher.start();
    }

    /**
     * Before anything is dispatched: executors that can repair an execution a dead runner left half done
     * (the package executor's journaled apply) do it now, instead of leaving the install half-patched until
     * the target's lease expires and it is executed again.
     */
    private static void recoverInterrupted(RunTargetStore store, ExecutorRegistry executors) {
        List<RunTarget> running;
        try {
            running = store.findRunning(RECOVERY_BATCH);
        } catch (RuntimeException e) {
            LOG.warn("cannot look up RUNNING targets for recovery; they are recovered when executed again", e);
            return;
        }
        Map<String, List<RunTarget>> byExecutor = running.stream()
                .collect(Collectors.groupingBy(t -> t.run().patch().executor()));
        byExecutor.forEach((name, targets) -> executors.find(name).ifPresent(executor -> {
            try {
                executor.recoverInterrupted(targets);
            } catch (RuntimeException e) {
                LOG.warnf(e, "executor %s could not recover %d interrupted target(s)", name, targets.size());
            }
        }));
    }

    void onStop(@Observes ShutdownEvent event, Dispatcher dispatcher) {
        dispatcher.stop();
    }
}
