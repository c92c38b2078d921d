package dev.patchflow.report.api;

import io.quarkus.qute.TemplateExtension;

import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.report.domain.VersionChange;

/** Template helper of the dashboard's target table: {@code {t.versionAfter(run)}} ({@link VersionChange}). */
@TemplateExtension
public final class VersionExtensions {

    private VersionExtensions() {
    }

    static String versionAfter(TargetReport target, RunReport run) {
        return VersionChange.after(target, run == null ? null : run.patch());
    }
}
