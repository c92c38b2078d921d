package dev.patchflow.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PatchMainTest {

    /** Records how it was run and answers what it is told to. */
    static final class Scripted extends BasePatch {

        final String name;
        final PatchResult result;
        final RuntimeException failure;
        final List<String> runs = new ArrayList<>();

        Scripted(String name, PatchResult result, RuntimeException failure) {
            this.name = name;
            this.result = result;
            this.failure = failure;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        protected PatchResult execute() {
            runs.add(dryRun() ? "dry-run" : "real");
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    private static Scripted ok(String name) {
        return new Scripted(name, PatchResult.SUCCESS, null);
    }

    @Test
    void runsEveryPatchInOrderAndExitsZeroWhenAllSucceed() {
        Scripted first = ok("first");
        Scripted second = ok("second");
        assertThat(PatchMain.run(List.of(first, second))).isZero();
        assertThat(first.runs).containsExactly("real");
        assertThat(second.runs).containsExactly("real");
    }

    @Test
    void exitsWithTheWorstResultAndStillRunsTheOtherPatches() {
        Scripted retryable = new Scripted("flaky", PatchResult.RETRYABLE_FAILURE, null);
        Scripted permanent = new Scripted("bad-data", PatchResult.PERMANENT_FAILURE, null);
        Scripted after = ok("after");
        assertThat(PatchMain.run(List.of(retryable, permanent, after))).isEqualTo(PatchMain.PERMANENT);
        assertThat(after.runs).containsExactly("real");
        assertThat(PatchMain.run(List.of(ok("a"), new Scripted("b", PatchResult.RETRYABLE_FAILURE, null))))
                .isEqualTo(PatchMain.RETRYABLE);
    }

    @Test
    void anExceptionIsARetryableFailure() {
        assertThat(PatchMain.run(List.of(new Scripted("boom", null, new IllegalStateException("mongo down")))))
                .isEqualTo(PatchMain.RETRYABLE);
    }

    @Test
    void dryRunIsPassedToEveryPatch() {
        Scripted patch = ok("p");
        assertThat(PatchMain.run(List.of(patch), "--dry-run")).isZero();
        assertThat(patch.runs).containsExactly("dry-run");
    }

    @Test
    void isolatedSucceedsWithoutRunningAnyPatchLogic() {
        Scripted patch = new Scripted("p", PatchResult.PERMANENT_FAILURE, null);
        assertThat(PatchMain.run(List.of(patch), "--isolated")).isZero();
        assertThat(patch.runs).isEmpty();
    }

    @Test
    void anUnknownFlagIsAUsageErrorNamingIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Scripted patch = ok("p");
        int code = PatchMain.run(List.of(patch), new PrintStream(err, true, StandardCharsets.UTF_8), "--dryrun");
        assertThat(code).isEqualTo(PatchMain.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--dryrun'");
        assertThat(patch.runs).isEmpty();
    }
}
