package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyFailedException;
import dev.patchflow.pkg.engine.ApplyHooks;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.engine.RecoveryResult;
import dev.patchflow.pkg.engine.StepKind;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/** A failure at any point of an apply leaves the install exactly as it was (content and modes). */
class RollbackTest {

    /** Steps of {@link Installs#ops110()}: 2 deletes, 1 directory, 3 files, then VERSION (step 6). */
    private static final int STEPS = 7;

    @TempDir
    Path tmp;
    Path install;
    Path work;
    Fixture fixture;
    ReleaseManifest manifest;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
        work = tmp.resolve("work");
        fixture = new Fixture(tmp.resolve("repo"));
        manifest = fixture.patchRelease("1.1.0", "1.0.0", Installs.patch110(), Installs.ops110());
    }

    private PackageEngine failing(int step, boolean afterTheChange) {
        return PackageEngine.builder()
                .trustedKeys(TrustedKeys.of(fixture.key.getPublic()))
                .hooks(new ApplyHooks() {

                    @Override
                    public void beforeStep(int n, StepKind kind, String path) throws IOException {
                        if (n == step && !afterTheChange) {
                            throw new IOException("injected failure before step " + n + " (" + path + ")");
                        }
                    }

                    @Override
                    public void afterStep(int n, StepKind kind, String path) throws IOException {
                        if (n == step && afterTheChange) {
                            throw new IOException("injected failure after step " + n + " (" + path + ")");
                        }
                    }
                })
                .build();
    }

    private void assertRolledBack(PackageEngine engine, Map<String, String> before) throws IOException {
        assertThatThrownBy(() -> engine.apply(fixture.request(install, work, manifest)))
                .isInstanceOfSatisfying(ApplyFailedException.class, e -> assertThat(e.rolledBack()).isTrue());
        assertThat(Trees.digest(install)).isEqualTo(before);
        assertThat(fixture.engine().recover(install, work).outcome()).isEqualTo(RecoveryResult.Outcome.NOTHING);
        try (var s = Files.walk(work)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())).containsOnly("lock");
        }
    }

    @ParameterizedTest(name = "failure after step {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void failureAfterAnyStepRollsBackToAByteIdenticalTree(int step) throws Exception {
        assertThat(step).isLessThan(STEPS);
        assertRolledBack(failing(step, true), Trees.digest(install));
    }

    @ParameterizedTest(name = "failure before step {0}")
    @ValueSource(ints = {0, 2, 5, 6})
    void failureAfterAStepIsJournaledButBeforeItRunsRollsBackToAByteIdenticalTree(int step) throws Exception {
        assertRolledBack(failing(step, false), Trees.digest(install));
    }

    @Test
    void aTargetThatCannotBeReplacedMidwayRollsBackTheStepsAlreadyDone() throws Exception {
        // 'new' is a file in this install, so the patch cannot create 'new/sub/file.txt' (step 5,
        // after both deletions, the directory replacement and two file replacements were done)
        Trees.write(install, "new", "I am a file", 0600);
        Map<String, String> before = Trees.digest(install);

        assertThatThrownBy(() -> fixture.engine().apply(fixture.request(install, work, manifest)))
                .isInstanceOfSatisfying(ApplyFailedException.class, e -> {
                    assertThat(e.rolledBack()).isTrue();
                    assertThat(e.getMessage()).contains("new/sub");
                });
        assertThat(Trees.digest(install)).isEqualTo(before);
        assertThat(install.resolve("VERSION")).hasContent("1.0.0");
    }

    @Test
    void afterARollbackTheSamePackageAppliesCleanly() throws Exception {
        assertRolledBack(failing(3, true), Trees.digest(install));
        assertThat(fixture.engine().apply(fixture.request(install, work, manifest)).status())
                .isEqualTo(dev.patchflow.pkg.engine.ApplyResult.Status.APPLIED);
        assertThat(install.resolve("VERSION")).hasContent("1.1.0");
    }
}
