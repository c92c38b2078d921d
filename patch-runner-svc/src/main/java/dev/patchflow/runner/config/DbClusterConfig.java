package dev.patchflow.runner.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code patchflow.db-cluster.*}: database cluster rollouts (the {@code db-cluster} executor, its preflight, clone
 * test and post-flight). Each default can be overridden per request in {@code patch.parameters}.
 */
@ConfigMapping(prefix = "patchflow.db-cluster")
public interface DbClusterConfig {

    /** Replication lag a replica may have and count as streaming: bytes (PostgreSQL), seconds (MongoDB). */
    @WithDefault("1048576")
    long maxLag();

    /** Free space every node needs at {@link #freeSpacePath()} before a rollout starts. */
    @WithDefault("1073741824")
    long minFreeBytes();

    /** Where free space is measured on each node ({@code df -Pk <path>} through the node runner). */
    @WithDefault("/var/lib/postgresql")
    String freeSpacePath();

    /** The newest backup of a cluster must be younger than this for its preflight to pass. */
    @WithDefault("24h")
    Duration maxBackupAge();

    /** One restart, switchover or clone may take this long. */
    @WithDefault("10m")
    Duration stepTimeout();

    /** How often an engine looks at a cluster while it waits for it. */
    @WithDefault("500ms")
    Duration poll();

    /** One REST or database call's timeout. */
    @WithDefault("10s")
    Duration httpTimeout();

    Postgres postgres();

    /** Where ephemeral clones get their data directory; default {@code <java.io.tmpdir>/patchflow-clones}. */
    Optional<Path> cloneDir();

    /** TEST ONLY: park the executor after this member's update is recorded; never set in a deployment. */
    Optional<String> testOnlyPauseAfterUpdate();

    /** TEST ONLY: the file created when the executor parks. */
    Optional<Path> testOnlyPauseSignal();

    /** The PostgreSQL programs of the runner's machine (pg_basebackup and the clone's server). */
    interface Postgres {

        @WithDefault("/usr/lib/postgresql/15/bin")
        Path binDir();

        /** The OS user the clone's server runs as when the runner is root (PostgreSQL refuses root). */
        Optional<String> runAs();
    }
}
