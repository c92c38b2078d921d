package dev.patchflow.runner.config;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.checks.DbChecks;
import dev.patchflow.dbcluster.node.LocalProcessNodeRunner;
import dev.patchflow.dbcluster.patroni.PostgresSettings;
import dev.patchflow.runner.adapters.dbcluster.DbClusterExecutor;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.cluster.ClusterPhases;
import dev.patchflow.runner.domain.cluster.ClusterRolloutStore;
import dev.patchflow.runner.domain.cluster.ClusterRollouts;
import dev.patchflow.runner.domain.cluster.ClusterSettings;

/**
 * Wires the database cluster engines ({@code db-cluster} library), the {@code db-cluster} executor and the cluster
 * rollout phases; starts the phases' worker with the service so that a restarted runner resumes them.
 */
@ApplicationScoped
public class DbClusterProducers {

    @Produces
    @Singleton
    ClusterSettings clusterSettings(DbClusterConfig config) {
        return new ClusterSettings(config.maxLag(), config.minFreeBytes(), config.freeSpacePath(),
                config.maxBackupAge(), config.stepTimeout(), config.testOnlyPauseAfterUpdate(),
                config.testOnlyPauseSignal());
    }

    /** Node runners: a local process; an SSM node runner plugs in here once the AWS executor exists. */
    @Produces
    @Singleton
    NodeRunners nodeRunners() {
        return new NodeRunners(List.of(new LocalProcessNodeRunner()));
    }

    @Produces
    @Singleton
    ClusterEngines clusterEngines(NodeRunners runners, DbClusterConfig config) {
        Path clones = config.cloneDir().orElse(Path.of(System.getProperty("java.io.tmpdir"), "patchflow-clones"));
        return ClusterEngines.standard(runners, new PostgresSettings(config.postgres().binDir(),
                config.postgres().runAs(), clones, config.poll(), config.httpTimeout()));
    }

    @Produces
    @Singleton
    DbChecks dbChecks(ClusterEngines engines, DbClusterConfig config) {
        return new DbChecks(engines, config.maxLag());
    }

    @Produces
    @Singleton
    ClusterPhases clusterPhases(NodeRunners runners, DbChecks checks, ClusterSettings settings, Clock clock) {
        return new ClusterPhases(runners, checks, settings, clock);
    }

    /** The {@code db-cluster} executor (a bean of {@code PatchExecutor}, so the registry finds it). */
    @Produces
    @Singleton
    DbClusterExecutor dbClusterExecutor(ClusterEngines engines, ClusterRolloutStore store, RunTargetStore targets,
            ClusterSettings settings, Clock clock) {
        return new DbClusterExecutor(engines, store, targets, settings, clock);
    }

    void onStart(@Observes StartupEvent event, ClusterRollouts rollouts) {
        rollouts.start();
    }

    void onStop(@Observes ShutdownEvent event, ClusterRollouts rollouts) {
        rollouts.stop();
    }
}
