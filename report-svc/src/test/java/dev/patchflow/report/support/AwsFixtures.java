package dev.patchflow.report.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.AwsTarget;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.PowerStateRestored;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;
import dev.patchflow.schemas.events.ValidationPassed;
import dev.patchflow.schemas.events.ZoneError;

/**
 * Contract-valid events of an AWS run as the services emit them (seed 004): {@code aws-ec2} instances of landing
 * zone {@code lz250nonprod}, an {@code ami} backup, the {@code ssm} executor that starts stopped instances, the AWS
 * checks, the power state restored; the zone {@code cmsnonprod} could not be assumed. Identifiers have AWS's shapes,
 * as the contract's schemas ask.
 */
public final class AwsFixtures {

    public static final String ZONE = "lz250nonprod";
    public static final String ACCOUNT = "111122223333";
    public static final String REGION = "eu-west-1";
    public static final ZoneError DENIED = new ZoneError("cmsnonprod", "444455556666", null,
            "cannot assume arn:aws:iam::444455556666:role/patchflow: AccessDenied (403)");

    private AwsFixtures() {
    }

    /** A real run that restores power states, or a {@code --scanner-only} one. */
    public static RunContext context(String runId, boolean scannerOnly) {
        AwsOptions aws = new AwsOptions(300, 7, 1800, true, true, 600, true);
        return new RunContext(runId, Instant.parse("2026-11-20T09:00:00Z"), "alice",
                new PatchSpec("os-patches", "2026-11", "ssm", List.of(), 3600, Map.of()),
                new TargetSelector("aws-ec2", null, "nonprod", List.of(ZONE, DENIED.landingZone()), Map.of()),
                new RunOptions(false, scannerOnly ? Phases.SCANNER_ONLY : Phases.ALL, null, List.of(), aws));
    }

    /** Instance {@code i-000n}, {@code stopped} or {@code running} when scanned. */
    public static Target instance(int n, String state) {
        String id = "i-0a0000000000000" + n;
        return new Target(id, "app-" + n, Target.KIND_AWS_EC2, "nonprod", ZONE, Map.of("Environment", "nonprod"),
                "10.0.0." + n, "linux", "x86_64", state, null, null, null, null,
                new AwsTarget(ACCOUNT, REGION, REGION + "a", id, "t3.medium", "Online", "3.3.40.0", "Amazon Linux"),
                null, null);
    }

    public static PatchRequested requested(RunContext c) {
        return new PatchRequested(c.runId(), c.requestedAt(), c.requestedBy(), c.patch(), c.targets(), c.options());
    }

    public static ScanCompleted scanCompleted(RunContext c, int count) {
        return new ScanCompleted(c, count, List.of(DENIED));
    }

    public static BackupCompleted ami(RunContext c, Target t) {
        String image = "ami-" + t.id().substring(2);
        return new BackupCompleted(c, t, BackupStatus.COMPLETED, image, null, null, null,
                Instant.parse("2026-11-20T09:05:00Z"), "ami",
                BackupCompleted.details(Map.of("imageId", image, "snapshotIds", "snap-" + t.id() + "a,snap-" + t.id()
                        + "b", "createdAt", "2026-11-20T09:01:00.000Z", "retainUntil", "2026-11-27T09:01:00Z",
                        "region", REGION, "landingZone", ZONE, "instanceId", t.id())));
    }

    /** Patched by SSM; an instance scanned stopped was started for it (and is running when the patch is done). */
    public static PatchApplied patched(RunContext c, Target t) {
        boolean started = AwsOptions.STOPPED.equals(t.state());
        Map<String, String> details = new java.util.TreeMap<>(Map.of("commandId", "cmd-" + t.id(), "initialState",
                t.state(), "operation", "Install", "rebootOption", "RebootIfNeeded", "powerState", "running"));
        if (started) {
            details.put("startedForPatching", "true");
        }
        return new PatchApplied(c, t, PatchStatus.APPLIED, 0, "s3://patchflow/logs/" + c.runId() + "/" + t.id(),
                "Success", 5000L, details);
    }

    public static ValidationPassed validated(RunContext c, Target t) {
        return new ValidationPassed(c, t, List.of(new CheckResult("running", "ec2-running", true, "running"),
                new CheckResult("ssm", "ssm-online", true, "Online"),
                new CheckResult("ami", "ami-available", true, "available"),
                new CheckResult("compliance", "patch-compliance", true, "missing 0, failed 0")), false);
    }

    public static PowerStateRestored powerRestored(RunContext c, Target t) {
        return new PowerStateRestored(c, t, t.state(), AwsOptions.STOPPED, true, null,
                Instant.parse("2026-11-20T09:20:00Z"));
    }

    /** Every event of a real run of these instances, in pipeline order, but no PowerStateRestored. */
    public static List<PatchflowEvent> runUpToValidation(RunContext c, List<Target> targets) {
        List<PatchflowEvent> events = new ArrayList<>();
        events.add(requested(c));
        for (Target t : targets) {
            events.add(new InstanceScanned(c, t));
        }
        events.add(scanCompleted(c, targets.size()));
        for (Target t : targets) {
            events.add(ami(c, t));
            events.add(patched(c, t));
            events.add(validated(c, t));
        }
        return events;
    }
}
