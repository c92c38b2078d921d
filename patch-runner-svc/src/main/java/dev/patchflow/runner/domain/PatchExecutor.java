package dev.patchflow.runner.domain;

import java.util.Collection;
import java.util.Map;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * One way of getting a patch onto a target. The runner picks the executor named by
 * {@code PatchSpec.executor}; later executors (signed file package, Kubernetes Job, SSM Run Command, SQL
 * schema, database-cluster rolling) plug in by being a bean of this type with their own {@link #name()}.
 * <p>
 * An executor does the work and writes the target's output to {@link ExecutionRequest#output()}; it does
 * not touch the ledger, S3 or Kafka: the runner records, stores and emits around it.
 */
public interface PatchExecutor {

    /** The value of {@code PatchSpec.executor} this executor answers to, e.g. {@code process}. */
    String name();

    /**
     * Applies (or, in a dry run, rehearses) the patch on one target. Failures of the patch itself are
     * returned, not thrown; a thrown exception counts as a failure of the executor.
     */
    ExecutionResult execute(ExecutionRequest request);

    /**
     * Facts for an outcome decided without executing (the ledger says an earlier run applied it); must not
     * change anything. Default: none.
     */
    default Map<String, String> describe(RunContext run, Target target) {
        return Map.of();
    }

    /**
     * Called once at service start, before the dispatcher runs, with the targets of this executor that were
     * RUNNING when a runner stopped (this one or another): an executor that can repair an interrupted
     * execution does it here. Must not throw for one target's sake. Default: nothing.
     */
    default void recoverInterrupted(Collection<RunTarget> interrupted) {
    }

    /**
     * Cluster-aware order: called before the primary node of a cluster is patched (after every other node),
     * so that it can hand its role over first (e.g. a database failover). Default: nothing to do.
     *
     * @return {@code null} when the node stepped down (or there was nothing to do), else why it could not;
     *         the primary is then not patched and fails with that reason
     */
    default String stepDown(ExecutionRequest request) {
        return null;
    }
}
