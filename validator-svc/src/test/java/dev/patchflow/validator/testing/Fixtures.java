package dev.patchflow.validator.testing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/** Builders for the contract types the tests feed in. */
public final class Fixtures {

    public static final String PATCH_VERSION = "1.1.0";

    private Fixtures() {
    }

    public static RunContext run(String runId, RunOptions options) {
        return new RunContext(runId, Instant.parse("2026-11-20T09:00:00Z"), "alice",
                new PatchSpec("demo-app", PATCH_VERSION, null, List.of("sh", "apply.sh"), 300, null),
                new TargetSelector("directory", "/fleet", "dev", List.of("lz-dev-a"), Map.of()), options);
    }

    public static RunContext run(String runId, List<CheckSpec> checks) {
        return run(runId, new RunOptions(false, Phases.ALL, null, checks));
    }

    public static Target directoryTarget(String id, Path installPath) {
        return new Target(id, id, Target.KIND_DIRECTORY, "dev", "lz-dev-a", Map.of("tier", "web", "app.team", "core"),
                "127.0.0.1", "linux", "x86_64", "installed", installPath.toAbsolutePath().toString(), "1.0.0", null,
                null);
    }

    public static Target staticTarget(String id, String address) {
        return new Target(id, id, Target.KIND_STATIC, "dev", "lz-dev-a", Map.of(), address, "linux", "x86_64",
                "running", null, null, null, null);
    }

    public static PatchApplied applied(RunContext run, Target target, PatchStatus status) {
        return new PatchApplied(run, target, status, 0,
                "s3://patchflow/logs/" + run.runId() + "/" + target.id() + ".log",
                "patched", 12L, Map.of("executor", "process"));
    }

    public static CheckSpec command(String name, Integer timeoutSeconds, String... argv) {
        return new CheckSpec(name, CheckSpec.COMMAND, List.of(argv), null, null, null, timeoutSeconds);
    }

    public static CheckSpec http(String name, String url, Integer expectStatus, Integer timeoutSeconds) {
        return new CheckSpec(name, CheckSpec.HTTP, null, url, expectStatus, null, timeoutSeconds);
    }

    public static CheckSpec version(String name, String versionFile) {
        return new CheckSpec(name, CheckSpec.VERSION, null, null, null, versionFile, null);
    }
}
