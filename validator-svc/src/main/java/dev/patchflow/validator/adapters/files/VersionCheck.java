package dev.patchflow.validator.adapters.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.inject.Singleton;

import dev.patchflow.schemas.DirectoryInstall;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.validator.domain.HealthCheck;

/**
 * {@code version}: the install's version file ({@code versionFile}, default {@code VERSION}, relative
 * to the install folder), trimmed, must equal the patch version. This is the same file the directory
 * scanner reads {@code installedVersion} from, so a pass means the next scan sees the new version.
 */
@Singleton
public class VersionCheck implements HealthCheck {

    static final String DEFAULT_FILE = DirectoryInstall.VERSION_FILE;

    @Override
    public String type() {
        return CheckSpec.VERSION;
    }

    @Override
    public CheckResult run(CheckSpec spec, Target target, RunContext run) {
        String expected = run.patch() == null ? null : run.patch().version();
        if (expected == null || expected.isBlank()) {
            return failed(spec, "the run's patch has no version to compare with");
        }
        if (target.installPath() == null || target.installPath().isBlank()) {
            return failed(spec, "target " + target.id() + " has no install folder to read a version file from");
        }
        String name = spec.versionFile() == null || spec.versionFile().isBlank() ? DEFAULT_FILE : spec.versionFile();
        Path file = Path.of(target.installPath()).resolve(name);
        if (!Files.isRegularFile(file)) {
            return failed(spec, "version file " + file + " does not exist");
        }
        String actual;
        try {
            actual = Files.readString(file).trim();
        } catch (IOException e) {
            return failed(spec, "cannot read version file " + file + ": " + e);
        }
        return actual.equals(expected)
                ? new CheckResult(spec.name(), spec.type(), true, actual)
                : failed(spec, "version file " + file + " contains " + actual + ", expected " + expected);
    }

    private static CheckResult failed(CheckSpec spec, String detail) {
        return new CheckResult(spec.name(), spec.type(), false, detail);
    }
}
