package dev.patchflow.pkg.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.Installs;
import dev.patchflow.pkg.Trees;
import dev.patchflow.pkg.strategy.UpgradeStrategy;

/** The journaled apply on its own: staged steps in, a committed tree or a rolled-back one out. */
class JournaledApplyTest {

    @TempDir
    Path tmp;
    Path install;
    WorkArea work;
    Plan plan;
    List<Step> steps;
    Map<String, String> before;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
        work = new WorkArea(install, tmp.resolve("work"));
        Files.createDirectories(work.dir);
        Trees.write(work.staging, "bin/app", "#!/bin/sh\necho 1.1.0\n", 0755);
        Trees.write(work.staging, "lib/c.jar", "c");
        plan = new Plan(new UpgradeStrategy.FullUpgrade(null, UpgradeStrategy.FullReason.FORCED), "1.0.0", "1.1.0",
                ApplyResult.Status.APPLIED, null, null, 0);
        steps = ApplyPlanner.steps(
                new dev.patchflow.pkg.manifest.Operations(List.of("bin/app"), List.of("lib"), List.of(),
                        List.of("old")),
                work.staging, install, "1.1.0", work.versionFile);
        before = Trees.digest(install);
    }

    @Test
    void runsEveryStepCommitsAndLeavesNoJournalOrBackup() throws Exception {
        new JournaledApply(ApplyHooks.NONE).run(work, install, plan, "ab".repeat(32), steps);

        assertThat(install.resolve("bin/app")).content().contains("1.1.0");
        assertThat(install.resolve("lib/a.jar")).doesNotExist();
        assertThat(install.resolve("lib/c.jar")).hasContent("c");
        assertThat(install.resolve("old")).doesNotExist();
        assertThat(install.resolve("VERSION")).hasContent("1.1.0");
        assertThat(work.journal).doesNotExist();
        assertThat(work.backup).doesNotExist();
    }

    @Test
    void anIoFailureMidwayRollsBackToTheSameTree() {
        assertThatThrownBy(() -> new JournaledApply(failingAfter(1, new IOException("disk on fire")))
                .run(work, install, plan, "ab".repeat(32), steps))
                .isInstanceOfSatisfying(ApplyFailedException.class, e -> {
                    assertThat(e.rolledBack()).isTrue();
                    assertThat(e.getMessage()).contains("disk on fire").endsWith("; rolled back");
                });
        assertThat(Trees.digest(install)).isEqualTo(before);
        assertThat(work.journal).doesNotExist();
    }

    @Test
    void anErrorMidwayIsRolledBackToo() {
        // what a worker out of memory would throw: the journal still undoes every begun step
        assertThatThrownBy(() -> new JournaledApply(failingAfter(2, new OutOfMemoryError("Java heap space")))
                .run(work, install, plan, "ab".repeat(32), steps))
                .isInstanceOfSatisfying(ApplyFailedException.class, e -> {
                    assertThat(e.rolledBack()).isTrue();
                    assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
                });
        assertThat(Trees.digest(install)).isEqualTo(before);
    }

    private static ApplyHooks failingAfter(int step, Throwable failure) {
        return new ApplyHooks() {

            @Override
            public void afterStep(int n, StepKind kind, String path) throws IOException {
                if (n == step) {
                    if (failure instanceof IOException io) {
                        throw io;
                    }
                    throw (Error) failure;
                }
            }
        };
    }
}
