package dev.patchflow.backup.domain;

import java.util.Set;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * One way of making a restore point, chosen by the target's kind: an archive of an install folder, an
 * AMI of an EC2 instance, an export of a workload's data, a dump of a schema, a base backup of a cluster.
 * <p>
 * {@link BackupService} claims the fact (run, target) before calling {@link #create} and records what it
 * returns, so a method never sees a fact whose outcome is recorded. It may see one again after a crash
 * (attempt &gt; 1): a method whose restore point is not simply overwritten (an AMI, a snapshot) must find
 * the one an earlier attempt made before it makes another.
 */
public interface BackupMethod {

    /** Recorded with the restore point and sent as {@code BackupCompleted.method}, e.g. {@code archive}. */
    String name();

    /** The target kinds ({@code Target.kind}) this method backs up. */
    Set<String> kinds();

    /**
     * Makes the restore point (or finds the one an earlier attempt of the same fact made).
     *
     * @throws BackupFailureException with a reason an operator can act on; the target is then not patched
     */
    RestorePoint create(Job job) throws BackupFailureException;

    /** Removes a restore point past its retention. One that is already gone is not an error. */
    void expire(BackupRecord record) throws BackupFailureException;

    /**
     * What {@link #expire} would remove, without removing anything (the sweeper's dry run); a method that can ask
     * its system whether the removal would be allowed does so. Default: describes the record.
     *
     * @return a sentence for the log, e.g. "would deregister ami-0123 and delete snap-0a, snap-0b"
     */
    default String expireDryRun(BackupRecord record) throws BackupFailureException {
        return "would remove " + record.location();
    }

    /**
     * One restore point to make.
     *
     * @param attempt 1, or more when an earlier attempt of this fact crashed before recording its outcome
     */
    record Job(RunContext run, Target target, int attempt) {

        public String runId() {
            return run.runId();
        }

        public String targetId() {
            return target.id();
        }
    }
}
