package dev.patchflow.pkg.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.Fixture;
import dev.patchflow.pkg.Installs;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.Trees;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.strategy.UpgradeStrategy;

/** Planning and its checks, without downloading or applying anything. */
class ApplyPlannerTest {

    @TempDir
    Path tmp;
    Path install;
    Fixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
        fixture = new Fixture(tmp.resolve("repo"));
    }

    @Test
    void planTakesThePatchForAnInstallInItsRangeAndTouchesNothing() throws Exception {
        var before = Trees.mtimes(install);
        ReleaseManifest m = fixture.patchRelease("1.1.0", "1.0.0", Installs.patch110(), Installs.ops110());

        Plan plan = ApplyPlanner.plan(ApplyRequest.of(install, tmp.resolve("work"), Arch.X86_64, m, null));

        assertThat(plan.strategy()).isInstanceOf(UpgradeStrategy.PatchUpgrade.class);
        assertThat(plan.operations()).isEqualTo(Installs.ops110());
        assertThat(plan.outcome()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(Trees.mtimes(install)).isEqualTo(before);
        assertThat(tmp.resolve("work")).doesNotExist();
    }

    @Test
    void installChecksReportEveryOperationThatDoesNotFitTheInstall() throws Exception {
        Files.createSymbolicLink(install.resolve("outside"), tmp);
        Operations ops = new Operations(List.of("outside/planted"), List.of(), List.of("lib"),
                List.of("keep/untouched.txt"));
        Refusals refusals = Refusals.collecting();

        ApplyPlanner.checkInstall(ops, install, refusals);

        assertThat(refusals.all()).extracting(PackageRefusedException::getMessage)
                .containsExactly(
                        "STRUCTURE_MISMATCH: 'outside/planted' lies below 'outside', a symlink in the install",
                        "STRUCTURE_MISMATCH: deleteFiles names 'lib' but it is a directory in the install",
                        "STRUCTURE_MISMATCH: deleteDirectories names 'keep/untouched.txt' but it is not a directory "
                                + "in the install");
        assertThat(refusals.all()).extracting(PackageRefusedException::reason).containsOnly(Reason.STRUCTURE_MISMATCH);
    }

    @Test
    void patchStepsDeleteFirstThenReplaceDirectoriesThenFilesThenWriteTheMarker() throws Exception {
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        List<Step> steps = ApplyPlanner.steps(Installs.ops110(), staging, install, "1.1.0", tmp.resolve("VERSION.new"));

        assertThat(steps).extracting(Step::kind, Step::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StepKind.DELETE, "docs/readme.txt"),
                        org.assertj.core.groups.Tuple.tuple(StepKind.DELETE, "old"),
                        org.assertj.core.groups.Tuple.tuple(StepKind.REPLACE_DIRECTORY, "lib"),
                        org.assertj.core.groups.Tuple.tuple(StepKind.REPLACE_FILE, "bin/app"),
                        org.assertj.core.groups.Tuple.tuple(StepKind.REPLACE_FILE, "conf/app.conf"),
                        org.assertj.core.groups.Tuple.tuple(StepKind.REPLACE_FILE, "new/sub/file.txt"),
                        org.assertj.core.groups.Tuple.tuple(StepKind.WRITE_VERSION, "VERSION"));
        assertThat(tmp.resolve("VERSION.new")).hasContent("1.1.0");
    }

    @Test
    void fullStepsRemoveWhatThePackageLacksAndReplaceWhatItHas() throws Exception {
        Path staging = tmp.resolve("staging");
        Trees.write(staging, "bin/app", "full");
        Trees.write(staging, "README", "hi");

        List<Step> steps = ApplyPlanner.steps(null, staging, install, "2.0.0", tmp.resolve("VERSION.new"));

        assertThat(steps).extracting(s -> s.kind() + " " + s.path())
                .containsExactly("DELETE conf", "DELETE current", "DELETE docs", "DELETE keep", "DELETE lib",
                        "DELETE old", "REPLACE_FILE README", "REPLACE_DIRECTORY bin", "WRITE_VERSION VERSION");
    }

    @Test
    void entryPolicyOfAPatchAcceptsNamedContentAndTheDirectoriesAboveIt() {
        Refusals refusals = Refusals.collecting();
        var policy = ApplyPlanner.entryPolicy(Installs.ops110());
        var file = dev.patchflow.pkg.archive.ArchiveIndex.Kind.FILE;
        var dir = dev.patchflow.pkg.archive.ArchiveIndex.Kind.DIRECTORY;

        assertThat(policy.accept("new", dir, refusals)).isTrue();
        assertThat(policy.accept("new/sub", dir, refusals)).isTrue();
        assertThat(policy.accept("new/sub/file.txt", file, refusals)).isTrue();
        assertThat(policy.accept("lib/anything/below", file, refusals)).isTrue();
        assertThat(policy.accept("new", file, refusals)).isFalse();
        assertThat(policy.accept("keep/untouched.txt", file, refusals)).isFalse();
        assertThat(refusals.all()).extracting(PackageRefusedException::getMessage)
                .containsExactly("STRUCTURE_MISMATCH: the package holds 'new', which no operation names",
                        "STRUCTURE_MISMATCH: the package holds 'keep/untouched.txt', which no operation names");
    }
}
