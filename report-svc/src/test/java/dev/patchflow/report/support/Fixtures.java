package dev.patchflow.report.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.RunRejected;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/** Contract-valid events of synthetic runs, as the upstream services would emit them. */
public final class Fixtures {

    public static final String SOURCE = "/patchflow/test";

    private Fixtures() {
    }

    public static RunContext context(String runId) {
        return new RunContext(runId, Instant.parse("2026-11-20T09:00:00Z"), "alice",
                new PatchSpec("demo-app", "1.1.0", "process", List.of("sh", "apply.sh"), 300, Map.of()),
                new TargetSelector("directory", "/srv/fleet", "dev", List.of("lz-dev-a"), Map.of()),
                new RunOptions(false, Phases.ALL, null, List.of(new CheckSpec("version", "version", null, null, null,
                        "VERSION", null))));
    }

    public static Target target(String id) {
        return new Target(id, id, "directory", "dev", "lz-dev-a", Map.of("tier", "web"), null, "linux", "x86_64",
                "installed", "/srv/fleet/" + id, "1.0.0", null, null);
    }

    public static <T extends PatchflowEvent> CloudEvent<T> event(T data) {
        return CloudEvent.of(SOURCE, data);
    }

    public static PatchRequested requested(String runId) {
        RunContext c = context(runId);
        return new PatchRequested(runId, c.requestedAt(), c.requestedBy(), c.patch(), c.targets(), c.options());
    }

    public static InstanceScanned scanned(String runId, String targetId) {
        return new InstanceScanned(context(runId), target(targetId));
    }

    public static ScanCompleted scanCompleted(String runId, int count) {
        return new ScanCompleted(context(runId), count);
    }

    public static RunRejected rejected(String runId, String reason) {
        return new RunRejected(context(runId), reason);
    }

    public static BackupCompleted backedUp(String runId, String targetId) {
        return new BackupCompleted(context(runId), target(targetId), BackupStatus.COMPLETED,
                "s3://patchflow/backups/" + runId + "/" + targetId + ".tar.gz", "a".repeat(64), 1024L, null,
                Instant.parse("2026-11-20T09:00:10Z"));
    }

    public static BackupFailed backupFailed(String runId, String targetId, String reason) {
        return new BackupFailed(context(runId), target(targetId), reason);
    }

    public static PatchApplied applied(String runId, String targetId, PatchStatus status) {
        return new PatchApplied(context(runId), target(targetId), status, 0,
                "s3://patchflow/logs/" + runId + "/" + targetId + ".log", "patched " + targetId, 412L,
                Map.of("executor", "process"));
    }

    public static PatchFailed patchFailed(String runId, String targetId, String reason) {
        return new PatchFailed(context(runId), target(targetId), reason, 3,
                "s3://patchflow/logs/" + runId + "/" + targetId + ".log", "boom", 99L, Map.of());
    }

    public static ValidationPassed validated(String runId, String targetId) {
        return new ValidationPassed(context(runId), target(targetId),
                List.of(new CheckResult("version", "version", true, "1.1.0")), false);
    }

    public static ValidationFailed validationFailed(String runId, String targetId, String detail) {
        CheckResult bad = new CheckResult("health", "command", false, detail);
        return new ValidationFailed(context(runId), target(targetId),
                List.of(new CheckResult("version", "version", true, "1.1.0"), bad), List.of(bad));
    }

    /**
     * A whole run of {@code ok} healthy targets, one patch failure and one validation failure
     * ({@code ok + 2} targets), in pipeline order.
     */
    public static List<PatchflowEvent> run(String runId, int ok) {
        List<PatchflowEvent> events = new ArrayList<>();
        events.add(requested(runId));
        int total = ok + 2;
        for (int i = 1; i <= total; i++) {
            String id = String.format("app-%02d", i);
            events.add(scanned(runId, id));
            events.add(backedUp(runId, id));
            if (i == ok + 1) {
                events.add(patchFailed(runId, id, "exit code 3: disk full"));
            } else {
                events.add(applied(runId, id, PatchStatus.APPLIED));
                events.add(i == ok + 2
                        ? validationFailed(runId, id, "exit code 1: not listening")
                        : validated(runId, id));
            }
        }
        events.add(scanCompleted(runId, total));
        return events;
    }
}
