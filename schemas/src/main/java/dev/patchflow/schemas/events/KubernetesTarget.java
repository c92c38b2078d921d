package dev.patchflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a Kubernetes workload target is, as the {@code kubernetes} inventory saw it. The workload's version
 * label is the target's {@code installedVersion}.
 *
 * @param context the Patchflow context name (patchflow.kubernetes.contexts.*) the workload was found in
 * @param namespace the workload's namespace
 * @param workloadKind {@code Deployment} or {@code StatefulSet}
 * @param workloadName the workload's name
 * @param image the first container's image
 * @param desiredReplicas {@code spec.replicas}
 * @param readyReplicas {@code status.readyReplicas}
 * @param availableReplicas {@code status.availableReplicas}
 * @param service a Service in the namespace whose selector matches the workload's pods, if any: the
 *        {@code kubernetes} check's HTTP probe goes through it
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record KubernetesTarget(String context, String namespace, String workloadKind, String workloadName,
        String image, Integer desiredReplicas, Integer readyReplicas, Integer availableReplicas, String service) {

    public static final String DEPLOYMENT = "Deployment";
    public static final String STATEFUL_SET = "StatefulSet";

    /** Without availability and Service (older events). */
    public KubernetesTarget(String context, String namespace, String workloadKind, String workloadName,
            String image, Integer desiredReplicas, Integer readyReplicas) {
        this(context, namespace, workloadKind, workloadName, image, desiredReplicas, readyReplicas, null, null);
    }
}
