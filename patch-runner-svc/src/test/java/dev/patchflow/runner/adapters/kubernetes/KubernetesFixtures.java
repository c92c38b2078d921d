package dev.patchflow.runner.adapters.kubernetes;

import java.util.List;
import java.util.Map;

import dev.patchflow.schemas.events.KubernetesTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Target;

/** Kubernetes targets and k8s-job patches, as the scanner and a request make them. */
public final class KubernetesFixtures {

    public static final String IMAGE = "registry.example.com/patches/rule-engine:5.17.0";

    private KubernetesFixtures() {
    }

    public static Target deployment(String context, String namespace, String name) {
        return new Target(context + "." + namespace + ".Deployment." + name, name, Target.KIND_KUBERNETES, "dev",
                context, Map.of("app.kubernetes.io/name", name), name + "." + namespace + ".svc", null, null,
                "available", null, "5.16.2", null, null, null,
                new KubernetesTarget(context, namespace, "Deployment", name, "registry.example.com/" + name + ":5.16.2",
                        1, 1, 1, name),
                null);
    }

    public static PatchSpec patch(String version, int timeoutSeconds, Map<String, String> extra) {
        Map<String, String> parameters = new java.util.HashMap<>(Map.of("image", IMAGE,
                "envFromSecrets", "rule-engine-mongodb,rule-engine-minio", "secretFiles", "rule-engine-vault",
                "serviceAccount", "rule-engine-patch", "backoffLimit", "2", "ttlSecondsAfterFinished", "3600"));
        parameters.putAll(extra);
        return new PatchSpec("rule-engine", version, PatchSpec.EXECUTOR_K8S_JOB, List.of("--log-format", "plain"),
                timeoutSeconds, parameters);
    }
}
