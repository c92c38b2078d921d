package dev.patchflow.schemas.events;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What to apply. The ledger identifies a patch by {@code id} and {@code version}.
 *
 * @param executor the executor that applies it: {@code process} (default), {@code package}, {@code k8s-job}
 * @param command the program and its arguments (argv, no shell), for the {@code process} executor; the
 *        container's arguments for {@code k8s-job}
 * @param timeoutSeconds how long one target may take before it counts as failed
 * @param parameters executor-specific settings (e.g. a package URL), passed through untouched
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PatchSpec(String id, String version, String executor, List<String> command, Integer timeoutSeconds,
        Map<String, String> parameters) {

    public static final String EXECUTOR_PROCESS = "process";
    /** Runs the patch image as a Kubernetes Job (patch-runner-svc, parameters in its README). */
    public static final String EXECUTOR_K8S_JOB = "k8s-job";

    public PatchSpec {
        command = command == null ? List.of() : List.copyOf(command);
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        executor = executor == null || executor.isBlank() ? EXECUTOR_PROCESS : executor;
    }
}
