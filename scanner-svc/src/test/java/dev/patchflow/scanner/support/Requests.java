package dev.patchflow.scanner.support;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

/** Builds requests for tests: a valid one by default, each part replaceable. */
public final class Requests {

    private String runId = "run-1";
    private PatchSpec patch = new PatchSpec("demo-app", "1.1.0", "process", List.of("sh", "apply.sh"), 60, Map.of());
    private TargetSelector targets = new TargetSelector("directory", "/tmp/fleet", null, List.of(), Map.of());
    private RunOptions options = new RunOptions(false, Phases.ALL, new RolloutPolicy("rolling", "2"),
            List.of(new CheckSpec("version", "version", null, null, null, "VERSION", null)));

    public static Requests request() {
        return new Requests();
    }

    public Requests runId(String runId) {
        this.runId = runId;
        return this;
    }

    public Requests patch(PatchSpec patch) {
        this.patch = patch;
        return this;
    }

    public Requests targets(TargetSelector targets) {
        this.targets = targets;
        return this;
    }

    public Requests targets(String provider, String source) {
        this.targets = new TargetSelector(provider, source, null, List.of(), Map.of());
        return this;
    }

    public Requests options(RunOptions options) {
        this.options = options;
        return this;
    }

    public Requests checks(CheckSpec... checks) {
        this.options = new RunOptions(options.dryRun(), options.phases(), options.rollout(), List.of(checks));
        return this;
    }

    public Requests maxConcurrency(String maxConcurrency) {
        this.options = new RunOptions(options.dryRun(), options.phases(), new RolloutPolicy("rolling", maxConcurrency),
                options.checks());
        return this;
    }

    public PatchRequested build() {
        return new PatchRequested(runId, Instant.parse("2026-11-20T09:00:00Z"), "alice", patch, targets, options);
    }
}
