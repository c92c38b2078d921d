package dev.patchflow.dbcluster;

import java.time.Duration;
import java.util.List;

/**
 * What Patchflow needs from a database cluster to patch it node by node, whatever the engine: its topology,
 * its health, the node-level steps of a patch (the update command through the node's {@link NodeRunner}, then
 * bringing the node back as a healthy replica), handing the primary role over, and an ephemeral clone to
 * rehearse the patch on. One implementation per target kind ({@code postgres-patroni},
 * {@code mongodb-replica-set}); the engine never knows a package manager: the update is the request's command.
 * <p>
 * Every method talks to the cluster at the moment it is called: nothing is cached, because a switchover or a
 * failover may have changed the roles since the scan.
 */
public interface ClusterEngine {

    /** The target kind this engine handles ({@code Target.KIND_*}). */
    String kind();

    /** The members as the cluster sees them now. */
    Topology topology(ClusterRef cluster);

    /**
     * Why the cluster is not fit to be patched now (no leader, two leaders, a member not running, a replica not
     * streaming or lagging more than {@code maxLagBytes}); empty when it is healthy.
     */
    List<String> health(ClusterRef cluster, long maxLagBytes);

    /**
     * The version a member runs, by the engine's probe: PostgreSQL runs {@code probe} (default
     * {@code SHOW server_version}) on the member; MongoDB answers {@code buildInfo.version}.
     */
    String nodeVersion(ClusterRef cluster, String member, String probe);

    /**
     * The node-level update: runs the request's command (and, where the engine needs it, stop and start commands)
     * on the member through its node runner. Does not restart through the cluster manager: see
     * {@link #bringBack}.
     */
    NodeRunner.Result update(ClusterRef cluster, String member, NodeUpdate update);

    /**
     * Brings an updated member back into service and waits until it is a healthy replica again (PostgreSQL:
     * {@code POST /restart} through Patroni, running and streaming with lag at most {@code maxLagBytes}; MongoDB:
     * {@code SECONDARY} again).
     *
     * @throws ClusterException when it is not back within {@code timeout}
     */
    void bringBack(ClusterRef cluster, String member, long maxLagBytes, Duration timeout);

    /**
     * Hands the primary role of {@code leader} over to another member, preferring {@code candidates} in order,
     * and waits until a new leader runs. PostgreSQL: {@code POST /switchover}; MongoDB: {@code replSetStepDown}.
     *
     * @return the new leader
     * @throws ClusterException when no member can take over, or the handover did not complete in {@code timeout}
     */
    String handOver(ClusterRef cluster, String leader, List<String> candidates, Duration timeout);

    /** Whether {@link #cloneCluster} is supported for this engine here. */
    default boolean supportsClone() {
        return false;
    }

    /**
     * An ephemeral copy of the cluster's data, running on its own: PostgreSQL takes a {@code pg_basebackup} of the
     * leader into a new data directory and starts it on a free loopback port.
     */
    default CloneHandle cloneCluster(ClusterRef cluster, Duration timeout) {
        throw new ClusterException("the " + kind() + " engine cannot clone a cluster");
    }

    /** Runs the update on the clone and restarts it so that the update takes effect. */
    default NodeRunner.Result patchClone(CloneHandle clone, NodeUpdate update, Duration timeout) {
        throw new ClusterException("the " + kind() + " engine cannot clone a cluster");
    }

    /** The clone's version, by the same probe as {@link #nodeVersion}. */
    default String cloneVersion(CloneHandle clone, String probe) {
        throw new ClusterException("the " + kind() + " engine cannot clone a cluster");
    }

    /** Why the clone is not healthy (not running, not writable); empty when it is. */
    default List<String> cloneHealth(CloneHandle clone) {
        throw new ClusterException("the " + kind() + " engine cannot clone a cluster");
    }

    /** Stops the clone and deletes its data. Never throws: a clone left behind is logged. */
    default void destroyClone(CloneHandle clone) {
    }
}
