package dev.patchflow.patchctl.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the operator typed for {@code patchctl request}, before defaults, the config file and the
 * contract are applied. {@code null} means "not given". Plain data, so that the launcher or a test
 * can build a request without going through the command line.
 *
 * @param command the patch command as one string, split into argv honouring quotes
 * @param args the patch command as argv, one element per {@code --arg}
 * @param backup {@code --backup} / {@code --no-backup}; likewise {@code patch}, {@code validation}
 * @param checkTypes values of {@code --check} (only {@code version} takes no argument)
 * @param packageManifest {@code --package-manifest}: shorthand for the {@code package} executor with
 *        parameter {@code manifest}
 * @param forceFull {@code --force-full}: package executor parameter {@code forceFull=true}
 * @param allowUnsigned {@code --allow-unsigned}: package executor parameter {@code allowUnsigned=true}
 * @param rollout the rollout flags ({@code --strategy}, {@code --batches}, {@code --canary-gate},
 *        {@code --bake-seconds}, {@code --max-errors}, {@code --not-after}); {@code null}: none given
 */
public record RequestInput(Path inventory, String provider, String environment, List<String> landingZones,
        Map<String, String> labels, String patchId, String patchVersion, String command, List<String> args,
        String executor, Integer timeoutSeconds, Map<String, String> parameters, boolean dryRun, boolean scannerOnly,
        Boolean backup, Boolean patch, Boolean validation, String maxConcurrency, List<String> checkTypes,
        List<String> checkCommands, List<String> checkHttp, Path config, String runId, String requestedBy,
        String packageManifest, boolean forceFull, boolean allowUnsigned, RolloutInput rollout) {

    /** The rollout flags as typed; {@code null} fields were not given. */
    public record RolloutInput(String strategy, List<String> batches, String canaryGate, Integer bakeSeconds,
            String maxErrors, String notAfter) {

        public static final RolloutInput NONE = new RolloutInput(null, null, null, null, null, null);
    }

    public RequestInput(Path inventory, String provider, String environment, List<String> landingZones,
            Map<String, String> labels, String patchId, String patchVersion, String command, List<String> args,
            String executor, Integer timeoutSeconds, Map<String, String> parameters, boolean dryRun,
            boolean scannerOnly, Boolean backup, Boolean patch, Boolean validation, String maxConcurrency,
            List<String> checkTypes, List<String> checkCommands, List<String> checkHttp, Path config, String runId,
            String requestedBy, String packageManifest, boolean forceFull, boolean allowUnsigned) {
        this(inventory, provider, environment, landingZones, labels, patchId, patchVersion, command, args, executor,
                timeoutSeconds, parameters, dryRun, scannerOnly, backup, patch, validation, maxConcurrency,
                checkTypes, checkCommands, checkHttp, config, runId, requestedBy, packageManifest, forceFull,
                allowUnsigned, RolloutInput.NONE);
    }

    /** An AWS run: provider aws-ec2, the ssm executor, and the seed's defaults for the patch identity. */
    public RequestInput forAws(String runId) {
        return new RequestInput(inventory, "aws-ec2", environment, landingZones, labels,
                patchId == null ? "AWS-RunPatchBaseline" : patchId, patchVersion == null ? runId : patchVersion,
                command, args, executor == null && packageManifest == null ? "ssm" : executor, timeoutSeconds,
                parameters, dryRun, scannerOnly, backup, patch, validation, maxConcurrency, checkTypes, checkCommands,
                checkHttp, config, runId, requestedBy, packageManifest, forceFull, allowUnsigned, rollout);
    }

    public RequestInput {
        landingZones = landingZones == null ? List.of() : List.copyOf(landingZones);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        args = args == null ? List.of() : List.copyOf(args);
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        checkTypes = checkTypes == null ? List.of() : List.copyOf(checkTypes);
        checkCommands = checkCommands == null ? List.of() : List.copyOf(checkCommands);
        checkHttp = checkHttp == null ? List.of() : List.copyOf(checkHttp);
        rollout = rollout == null ? RolloutInput.NONE : rollout;
    }
}
