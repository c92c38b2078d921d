package dev.patchflow.validator.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/**
 * Decides the validation outcome of one patched target: the skip rules of docs/PIPELINE-SEMANTICS.md,
 * then every configured check in order. The result is the event to emit, {@link ValidationPassed} or
 * {@link ValidationFailed}; nothing is stored, because every check only reads the target.
 */
public final class Validator {

    private final HealthChecks checks;

    public Validator(HealthChecks checks) {
        this.checks = checks;
    }

    public PatchflowEvent validate(PatchApplied applied) {
        RunContext run = applied.run();
        Target target = applied.target();
        if (skipReason(applied).isPresent()) {
            return new ValidationPassed(run, target, List.of(), true);
        }
        List<CheckResult> results = new ArrayList<>();
        for (CheckSpec spec : run.options().checks()) {
            results.add(runOne(spec, target, run));
        }
        List<CheckResult> failed = results.stream().filter(result -> !result.passed()).toList();
        return failed.isEmpty()
                ? new ValidationPassed(run, target, results, false)
                : new ValidationFailed(run, target, results, failed);
    }

    /**
     * Why nothing is checked, if so: the validation phase is off, the run is a dry run (the install is
     * unchanged by design), or the patch phase itself was skipped or only simulated.
     */
    public static Optional<String> skipReason(PatchApplied applied) {
        RunContext run = applied.run();
        if (!run.options().phases().validation()) {
            return Optional.of("validation phase off");
        }
        if (run.options().dryRun() || applied.status() == PatchStatus.DRY_RUN) {
            return Optional.of("dry run");
        }
        if (applied.status() == PatchStatus.SKIPPED) {
            return Optional.of("patch skipped");
        }
        return Optional.empty();
    }

    private CheckResult runOne(CheckSpec spec, Target target, RunContext run) {
        Optional<HealthCheck> check = checks.forType(spec.type());
        if (check.isEmpty()) {
            return new CheckResult(spec.name(), spec.type(), false,
                    "unknown check type " + spec.type() + " (known: " + String.join(", ", checks.types()) + ")");
        }
        try {
            return check.get().run(spec, target, run);
        } catch (ValidationInterruptedException | CheckUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            // A bug in one check must not hide the other results nor send a valid event to the DLQ:
            // the target is reported as not validated, with the error as the reason.
            return new CheckResult(spec.name(), spec.type(), false, "check failed with " + e);
        }
    }
}
