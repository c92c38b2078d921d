package dev.patchflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a Kubernetes workload target is, as the {@code kubernetes} inventory saw it. The workload's version
 * label is the target's {@code installedVersion}.
 *
 * @param context the kubeconfig context (or cluster name) the workload was found in
 * @param namespace the workload's namespace
 * @param workloadKind {@code Deployment} or {@code StatefulSet}
 * @param workloadName the workload's name
 * @param image the first container's image
 * @param desiredReplicas {@code spec.replicas}
 * @param readyReplicas {@code status.readyReplicas}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record KubernetesTarget(String context, String namespace, String workloadKind, String workloadName,
        String image, Integer desiredReplicas, Integer readyReplicas) {
}
