package dev.patchflow.validator.config;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.KubernetesClient;

import dev.patchflow.kubernetes.KubernetesConfig;
import dev.patchflow.kubernetes.KubernetesContexts;

/** The clusters of {@code patchflow.kubernetes.*}; a context without a kubeconfig context uses Quarkus's client. */
public class KubernetesProducers {

    @Produces
    @Singleton
    KubernetesContexts kubernetesContexts(KubernetesClient client, KubernetesConfig config) {
        return KubernetesContexts.of(client, config);
    }

    void close(@Disposes KubernetesContexts contexts) {
        contexts.close();
    }
}
