package dev.patchflow.kubernetes;

import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Reading a workload's status, and waiting until it is Available. */
public final class Workloads {

    private Workloads() {
    }

    /** The workload's status; {@link WorkloadStatus#exists()} is false when there is none. */
    public static WorkloadStatus read(KubernetesClient client, String kind, String namespace, String name) {
        if (WorkloadStatus.STATEFUL_SET.equals(kind)) {
            StatefulSet set = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
            return set == null ? WorkloadStatus.missing(kind, namespace, name) : WorkloadStatus.of(set);
        }
        if (WorkloadStatus.DEPLOYMENT.equals(kind)) {
            Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
            return deployment == null
                    ? WorkloadStatus.missing(kind, namespace, name)
                    : WorkloadStatus.of(deployment);
        }
        throw new IllegalArgumentException("unknown workload kind '" + kind + "' (known: Deployment, StatefulSet)");
    }

    /**
     * Polls the workload until it is Available or {@code timeout} passed; returns the last status seen (the
     * caller decides what a status that is still not Available means).
     *
     * @throws InterruptedException when the waiting thread is interrupted (a service shutting down)
     */
    public static WorkloadStatus awaitAvailable(KubernetesClient client, String kind, String namespace, String name,
            Duration timeout, Duration pollInterval) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            WorkloadStatus status = read(client, kind, namespace, name);
            if (status.isAvailable() || !Instant.now().isBefore(deadline)) {
                return status;
            }
            long pause = Math.min(pollInterval.toMillis(), Duration.between(Instant.now(), deadline).toMillis());
            if (pause > 0) {
                Thread.sleep(pause);
            }
        }
    }
}
