package dev.patchflow.runner.support;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/** Contract objects for tests, built through the schemas' own records. */
public final class Fixtures {

    private Fixtures() {
    }

    public static PatchSpec patch(String id, String version, String executor, List<String> command,
            Integer timeoutSeconds) {
        return new PatchSpec(id, version, executor, command, timeoutSeconds, Map.of());
    }

    public static RunContext run(String runId, PatchSpec patch, boolean dryRun, Phases phases, String maxConcurrency) {
        return new RunContext(runId, Instant.parse("2026-11-20T09:00:00Z"), "alice", patch,
                new TargetSelector("static", "inventory.yaml", null, List.of(), Map.of()),
                new RunOptions(dryRun, phases, new RolloutPolicy(null, maxConcurrency), List.of()));
    }

    public static Target staticTarget(String id) {
        return new Target(id, id + "-name", Target.KIND_STATIC, "dev", "lz-dev-a", Map.of("app.tier", "web"),
                "10.0.0.7", "linux", "x86_64", "running", null, "1.0.0", null, null);
    }

    /** A static target that is a node of {@code clusterId}: it patches under the lock {@code cluster:<id>}. */
    public static Target clusterNode(String id, String clusterId) {
        return new Target(id, id + "-name", Target.KIND_STATIC, "dev", "lz-dev-a", Map.of(), "10.0.0.8", "linux",
                "x86_64", "running", null, "1.0.0", clusterId, "secondary");
    }

    public static Target directoryTarget(String id, String installPath) {
        return new Target(id, id, Target.KIND_DIRECTORY, "dev", "lz-dev-a", Map.of("tier", "web"), null, "linux",
                "x86_64", "installed", installPath, "1.0.0", null, null);
    }

    public static BackupCompleted backupCompleted(RunContext run, Target target) {
        return new BackupCompleted(run, target, BackupStatus.COMPLETED,
                "s3://patchflow/backups/" + run.runId() + "/" + target.id() + ".tar.gz",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 20480L, null,
                Instant.parse("2026-11-20T09:00:02Z"));
    }

    public static BackupFailed backupFailed(RunContext run, Target target, String reason) {
        return new BackupFailed(run, target, reason);
    }
}
