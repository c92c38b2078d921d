package dev.patchflow.validator.adapters.files;

import static dev.patchflow.validator.testing.Fixtures.directoryTarget;
import static dev.patchflow.validator.testing.Fixtures.run;
import static dev.patchflow.validator.testing.Fixtures.staticTarget;
import static dev.patchflow.validator.testing.Fixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.RunContext;

class VersionCheckTest {

    private final VersionCheck check = new VersionCheck();
    private final RunContext run = run("r1", List.of());

    @TempDir
    Path install;

    @Test
    void passesWhenTheTrimmedVersionFileEqualsThePatchVersion() throws Exception {
        Files.writeString(install.resolve("VERSION"), "  1.1.0\n");

        CheckResult result = check.run(version("version", null), directoryTarget("app-01", install), run);

        assertThat(result).isEqualTo(new CheckResult("version", "version", true, "1.1.0"));
    }

    @Test
    void failsNamingTheFileWhatItContainsAndWhatWasExpected() throws Exception {
        Files.writeString(install.resolve("VERSION"), "1.0.0\n");

        CheckResult result = check.run(version("version", null), directoryTarget("app-01", install), run);

        assertThat(result).isEqualTo(new CheckResult("version", "version", false,
                "version file " + install.resolve("VERSION").toAbsolutePath() + " contains 1.0.0, expected 1.1.0"));
    }

    @Test
    void failsWhenTheVersionFileDoesNotExist() {
        CheckResult result = check.run(version("version", null), directoryTarget("app-01", install), run);

        assertThat(result).isEqualTo(new CheckResult("version", "version", false,
                "version file " + install.resolve("VERSION").toAbsolutePath() + " does not exist"));
    }

    @Test
    void readsTheConfiguredVersionFileRelativeToTheInstall() throws Exception {
        Files.createDirectories(install.resolve("meta"));
        Files.writeString(install.resolve("meta/RELEASE"), "1.1.0");
        Files.writeString(install.resolve("VERSION"), "0.9.0");

        CheckResult result = check.run(version("release", "meta/RELEASE"), directoryTarget("app-01", install), run);

        assertThat(result).isEqualTo(new CheckResult("release", "version", true, "1.1.0"));
    }

    @Test
    void failsForATargetWithoutAnInstallFolder() {
        CheckResult result = check.run(version("version", null), staticTarget("web-01", "10.0.0.5"), run);

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("target web-01 has no install folder to read a version file from");
    }
}
