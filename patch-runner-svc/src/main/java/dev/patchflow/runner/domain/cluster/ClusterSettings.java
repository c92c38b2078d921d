package dev.patchflow.runner.domain.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code patchflow.db-cluster.*} as plain values: the defaults of a database cluster rollout, each of which a
 * request can override in {@code patch.parameters} ({@link DbParameters}).
 *
 * @param maxLag replication lag a replica may have and still count as streaming (bytes for PostgreSQL, seconds
 *        for MongoDB)
 * @param minFreeBytes free space every node needs at {@code freeSpacePath} before the rollout starts
 * @param maxBackupAge the newest backup of the cluster must be younger than this
 * @param stepTimeout one restart, switchover or clone may take this long
 * @param pauseAfterUpdate TEST ONLY: park the executor after this member's update is recorded (a test kills the
 *        runner there); never set in a deployment
 */
public record ClusterSettings(long maxLag, long minFreeBytes, String freeSpacePath, Duration maxBackupAge,
        Duration stepTimeout, Optional<String> pauseAfterUpdate, Optional<Path> pauseSignal) {
}
