package dev.patchflow.backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/** Events as the scanner emits them. */
public final class Fixtures {

    private Fixtures() {
    }

    public static RunContext run(String runId, boolean dryRun, Phases phases) {
        return new RunContext(runId, Instant.parse("2026-11-20T09:00:00Z"), "alice",
                new PatchSpec("demo-app", "1.1.0", "process", List.of("sh", "apply.sh"), 300, null),
                new TargetSelector("directory", "/srv/fleet", "dev", List.of("lz-dev-a"), null),
                new RunOptions(dryRun, phases, null, null));
    }

    public static Target directoryTarget(String id, Path installPath) {
        return new Target(id, id, Target.KIND_DIRECTORY, "dev", "lz-dev-a", Map.of("tier", "web"), null, "linux",
                "x86_64", "installed", installPath.toAbsolutePath().toString(), "1.0.0", null, null);
    }

    public static Target staticTarget(String id) {
        return new Target(id, id, Target.KIND_STATIC, "dev", "lz-dev-a", Map.of(), "10.0.0.7", "linux", "x86_64",
                "running", null, null, null, null);
    }

    public static InstanceScanned scanned(String runId, Target target) {
        return new InstanceScanned(run(runId, false, Phases.ALL), target);
    }

    public static InstanceScanned scanned(RunContext run, Target target) {
        return new InstanceScanned(run, target);
    }
}
