package dev.patchflow.validator.domain;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The {@code PATCHFLOW_*} variables a command sees, exactly as the process executor sets them
 * (docs/PIPELINE-SEMANTICS.md), so that one health script works for both the patch and the check.
 * Absent values are empty strings: a script under {@code set -u} can still test them.
 */
public final class TargetEnvironment {

    private TargetEnvironment() {
    }

    public static Map<String, String> of(RunContext run, Target target) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATCHFLOW_RUN_ID", run.runId());
        env.put("PATCHFLOW_TARGET_ID", target.id());
        env.put("PATCHFLOW_TARGET_NAME", target.name());
        env.put("PATCHFLOW_TARGET_KIND", target.kind());
        env.put("PATCHFLOW_TARGET_ADDRESS", target.address());
        env.put("PATCHFLOW_ENVIRONMENT", target.environment());
        env.put("PATCHFLOW_LANDING_ZONE", target.landingZone());
        env.put("PATCHFLOW_PLATFORM", target.platform());
        env.put("PATCHFLOW_ARCH", target.arch());
        env.put("PATCHFLOW_INSTALL_PATH", target.installPath());
        env.put("PATCHFLOW_INSTALLED_VERSION", target.installedVersion());
        env.put("PATCHFLOW_PATCH_ID", run.patch() == null ? null : run.patch().id());
        env.put("PATCHFLOW_PATCH_VERSION", run.patch() == null ? null : run.patch().version());
        env.put("PATCHFLOW_DRY_RUN", Boolean.toString(run.options().dryRun()));
        target.labels().forEach((key, value) -> env.put(labelVariable(key), value));
        env.replaceAll((name, value) -> value == null ? "" : value);
        return env;
    }

    /** {@code PATCHFLOW_LABEL_<KEY>}: key upper-cased, every non-alphanumeric character as {@code _}. */
    public static String labelVariable(String key) {
        return "PATCHFLOW_LABEL_" + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
