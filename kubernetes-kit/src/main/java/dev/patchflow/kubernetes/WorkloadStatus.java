package dev.patchflow.kubernetes;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/**
 * What a Deployment or StatefulSet says about itself, and when it counts as up.
 *
 * @param exists whether the workload was found
 * @param desired {@code spec.replicas}
 * @param availableCondition Deployments: the {@code Available} condition is {@code True}; StatefulSets (which
 *        have no such condition): every desired replica is available
 * @param condition the {@code Available} condition's reason and message, if any
 */
public record WorkloadStatus(String kind, String namespace, String name, boolean exists, int desired, int ready,
        int available, int updated, boolean availableCondition, String condition) {

    public static final String DEPLOYMENT = "Deployment";
    public static final String STATEFUL_SET = "StatefulSet";

    public static WorkloadStatus missing(String kind, String namespace, String name) {
        return new WorkloadStatus(kind, namespace, name, false, 0, 0, 0, 0, false, null);
    }

    public static WorkloadStatus of(Deployment deployment) {
        var spec = deployment.getSpec();
        var status = deployment.getStatus();
        int desired = spec == null || spec.getReplicas() == null ? 1 : spec.getReplicas();
        List<DeploymentCondition> conditions = status == null || status.getConditions() == null
                ? List.of()
                : status.getConditions();
        Optional<DeploymentCondition> available = conditions.stream()
                .filter(c -> "Available".equals(c.getType()))
                .findFirst();
        String condition = available.map(c -> "Available=" + c.getStatus()
                + (c.getReason() == null
                        ? ""
                        : " (" + c.getReason()
                                + (c.getMessage() == null ? "" : ": " + c.getMessage()) + ")"))
                .orElse("no Available condition yet");
        return new WorkloadStatus(DEPLOYMENT, deployment.getMetadata().getNamespace(),
                deployment.getMetadata().getName(), true, desired,
                count(status == null ? null : status.getReadyReplicas()),
                count(status == null ? null : status.getAvailableReplicas()),
                count(status == null ? null : status.getUpdatedReplicas()),
                available.map(c -> "True".equals(c.getStatus())).orElse(false), condition);
    }

    public static WorkloadStatus of(StatefulSet statefulSet) {
        var spec = statefulSet.getSpec();
        var status = statefulSet.getStatus();
        int desired = spec == null || spec.getReplicas() == null ? 1 : spec.getReplicas();
        int ready = count(status == null ? null : status.getReadyReplicas());
        // availableReplicas honours minReadySeconds; older clusters leave it empty, then ready is what there is.
        int available = status == null || status.getAvailableReplicas() == null
                ? ready
                : status.getAvailableReplicas();
        return new WorkloadStatus(STATEFUL_SET, statefulSet.getMetadata().getNamespace(),
                statefulSet.getMetadata().getName(), true, desired, ready, available,
                count(status == null ? null : status.getUpdatedReplicas()), desired > 0 && available >= desired,
                null);
    }

    /**
     * Up and serving: the workload exists, wants at least one replica (scaled to zero is not started), is
     * Available, and has an available replica.
     */
    public boolean isAvailable() {
        return exists && desired > 0 && availableCondition && available > 0;
    }

    /** Available and every desired replica ready. */
    public boolean isFullyReady() {
        return isAvailable() && ready == desired;
    }

    /** For reasons: {@code Deployment rules/rule-engine: 1 of 2 ready, 1 available, Available=False (…)}. */
    public String describe() {
        String what = kind + " " + namespace + "/" + name;
        if (!exists) {
            return what + " does not exist";
        }
        if (desired == 0) {
            return what + " is scaled to 0 replicas";
        }
        return what + ": " + ready + " of " + desired + " ready, " + available + " available"
                + (condition == null ? "" : ", " + condition);
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
