package dev.patchflow.report.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class VersionChangeTest {

    static final RunReport.PatchRef PATCH = new RunReport.PatchRef("demo-app", "1.1.0");

    static TargetReport target(PatchView patch) {
        return new TargetReport("a", "a", "directory", "dev", "lz", "1.0.0", TargetStatus.PENDING, TargetPhase.SCANNED,
                null, null, patch, null);
    }

    static PatchView patch(String status, Map<String, String> details) {
        return new PatchView(status, 0, null, null, null, 10L, details);
    }

    @Test
    void anAppliedPatchLeftTheExecutorsToVersionElseTheRunsPatchVersion() {
        assertThat(VersionChange.after(target(patch("APPLIED", Map.of("toVersion", "2.0.0"))), PATCH))
                .isEqualTo("2.0.0");
        assertThat(VersionChange.after(target(patch("APPLIED", Map.of())), PATCH)).isEqualTo("1.1.0");
        assertThat(VersionChange.after(target(patch("APPLIED", Map.of())), null)).isEqualTo("unchanged");
    }

    @Test
    void aPatchThatDidNotRunOrFailedChangedNothingAndATargetWithoutOutcomeHasNoAfter() {
        for (String status : new String[]{"ALREADY_APPLIED", "DRY_RUN", "SKIPPED", "FAILED", "CANCELLED",
                "BUDGET_EXCEEDED"}) {
            assertThat(VersionChange.after(target(patch(status, Map.of("toVersion", "2.0.0"))), PATCH))
                    .as(status).isEqualTo(VersionChange.UNCHANGED);
        }
        assertThat(VersionChange.after(target(null), PATCH)).isNull();
    }
}
