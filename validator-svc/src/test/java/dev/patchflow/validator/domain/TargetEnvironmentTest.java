package dev.patchflow.validator.domain;

import static dev.patchflow.validator.testing.Fixtures.run;
import static dev.patchflow.validator.testing.Fixtures.staticTarget;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TargetEnvironmentTest {

    @Test
    void namesLabelVariablesUpperCasedWithNonAlphanumericsAsUnderscores() {
        assertThat(TargetEnvironment.labelVariable("app.team-name")).isEqualTo("PATCHFLOW_LABEL_APP_TEAM_NAME");
    }

    @Test
    void setsAbsentTargetAttributesToEmptyStrings() {
        Map<String, String> env = TargetEnvironment.of(run("r1", List.of()), staticTarget("web-01", null));

        assertThat(env).containsEntry("PATCHFLOW_TARGET_ADDRESS", "")
                .containsEntry("PATCHFLOW_INSTALL_PATH", "")
                .containsEntry("PATCHFLOW_TARGET_KIND", "static")
                .containsEntry("PATCHFLOW_PATCH_ID", "demo-app")
                .containsEntry("PATCHFLOW_DRY_RUN", "false");
    }
}
