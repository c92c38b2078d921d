package dev.patchflow.validator.domain;

import static dev.patchflow.validator.testing.Fixtures.applied;
import static dev.patchflow.validator.testing.Fixtures.run;
import static dev.patchflow.validator.testing.Fixtures.staticTarget;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

class ValidatorTest {

    /** A check whose outcome is its spec's name: "ok…" passes, anything else fails with the name as detail. */
    private static final class ByName implements HealthCheck {

        final AtomicInteger runs = new AtomicInteger();

        @Override
        public String type() {
            return "fake";
        }

        @Override
        public CheckResult run(CheckSpec spec, Target target, RunContext run) {
            runs.incrementAndGet();
            if (spec.name().startsWith("shutdown")) {
                throw new ValidationInterruptedException("interrupted", new InterruptedException());
            }
            if (spec.name().startsWith("unavailable")) {
                throw new CheckUnavailableException("AWS did not answer", new RuntimeException("503"));
            }
            if (spec.name().startsWith("boom")) {
                throw new IllegalArgumentException("bad spec");
            }
            boolean ok = spec.name().startsWith("ok");
            return new CheckResult(spec.name(), spec.type(), ok, ok ? "fine" : "broken: " + spec.name());
        }
    }

    private final ByName fake = new ByName();
    private final Validator validator = new Validator(new HealthChecks(List.of(fake)));
    private final Target target = staticTarget("web-01", "10.0.0.5");

    private static CheckSpec spec(String name) {
        return new CheckSpec(name, "fake", null, null, null, null, null);
    }

    @Test
    void passesWithEveryResultWhenAllChecksPass() {
        RunContext run = run("r1", List.of(spec("ok-1"), spec("ok-2")));

        PatchflowEvent outcome = validator.validate(applied(run, target, PatchStatus.APPLIED));

        assertThat(outcome).isEqualTo(new ValidationPassed(run, target,
                List.of(new CheckResult("ok-1", "fake", true, "fine"), new CheckResult("ok-2", "fake", true, "fine")),
                false));
    }

    @Test
    void failsListingEveryResultAndExactlyTheFailedChecks() {
        RunContext run = run("r1", List.of(spec("ok-1"), spec("disk"), spec("ok-2"), spec("port")));

        ValidationFailed outcome = (ValidationFailed) validator.validate(applied(run, target, PatchStatus.APPLIED));

        assertThat(outcome.checks()).extracting(CheckResult::name).containsExactly("ok-1", "disk", "ok-2", "port");
        assertThat(outcome.failed()).containsExactly(new CheckResult("disk", "fake", false, "broken: disk"),
                new CheckResult("port", "fake", false, "broken: port"));
    }

    @Test
    void passesWithAnEmptyListWhenNoChecksAreConfigured() {
        RunContext run = run("r1", List.of());

        assertThat(validator.validate(applied(run, target, PatchStatus.APPLIED)))
                .isEqualTo(new ValidationPassed(run, target, List.of(), false));
    }

    @Test
    void checksAnAlreadyAppliedPatchLikeAFreshOne() {
        RunContext run = run("r1", List.of(spec("disk")));

        assertThat(validator.validate(applied(run, target, PatchStatus.ALREADY_APPLIED)))
                .isInstanceOf(ValidationFailed.class);
    }

    @Test
    void skipsWithoutRunningChecksWhenTheValidationPhaseIsOff() {
        RunContext run = run("r1", new RunOptions(false, new Phases(true, true, false), null, List.of(spec("disk"))));

        assertSkipped(run, PatchStatus.APPLIED);
    }

    @Test
    void skipsWithoutRunningChecksInADryRun() {
        RunContext run = run("r1", new RunOptions(true, Phases.ALL, null, List.of(spec("disk"))));

        assertSkipped(run, PatchStatus.DRY_RUN);
    }

    @Test
    void skipsWithoutRunningChecksWhenThePatchWasSkipped() {
        RunContext run = run("r1", new RunOptions(false, new Phases(true, false, true), null, List.of(spec("disk"))));

        assertSkipped(run, PatchStatus.SKIPPED);
    }

    @Test
    void reportsAnUnknownCheckTypeAsAFailedCheck() {
        CheckSpec unknown = new CheckSpec("k8s", "k8s-ready", null, null, null, null, null);
        RunContext run = run("r1", List.of(unknown));

        ValidationFailed outcome = (ValidationFailed) validator.validate(applied(run, target, PatchStatus.APPLIED));

        assertThat(outcome.failed())
                .containsExactly(
                        new CheckResult("k8s", "k8s-ready", false, "unknown check type k8s-ready (known: fake)"));
    }

    @Test
    void reportsACrashingCheckAsFailedAndStillRunsTheOthers() {
        RunContext run = run("r1", List.of(spec("boom"), spec("ok-1")));

        ValidationFailed outcome = (ValidationFailed) validator.validate(applied(run, target, PatchStatus.APPLIED));

        assertThat(outcome.checks()).hasSize(2);
        assertThat(outcome.failed()).singleElement()
                .satisfies(failed -> assertThat(failed.detail())
                        .isEqualTo("check failed with java.lang.IllegalArgumentException: bad spec"));
    }

    @Test
    void letsAShutdownInterruptionThroughInsteadOfReportingAFailedCheck() {
        RunContext run = run("r1", List.of(spec("ok-1"), spec("shutdown")));

        assertThatThrownBy(() -> validator.validate(applied(run, target, PatchStatus.APPLIED)))
                .isInstanceOf(ValidationInterruptedException.class);
    }

    @Test
    void letsADependencyBrieflyUnavailableThroughSoTheValidationIsMadeAgainLater() {
        RunContext run = run("r1", List.of(spec("ok-1"), spec("unavailable")));

        assertThatThrownBy(() -> validator.validate(applied(run, target, PatchStatus.APPLIED)))
                .isInstanceOf(CheckUnavailableException.class).hasMessage("AWS did not answer");
    }

    @Test
    void refusesTwoChecksForTheSameType() {
        assertThatThrownBy(() -> new HealthChecks(List.of(new ByName(), new ByName())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two checks for type fake");
    }

    private void assertSkipped(RunContext run, PatchStatus status) {
        assertThat(validator.validate(applied(run, target, status)))
                .isEqualTo(new ValidationPassed(run, target, List.of(), true));
        assertThat(fake.runs).hasValue(0);
    }
}
