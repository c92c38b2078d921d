package dev.patchflow.kubernetes;

import java.util.List;

/**
 * One configured Kubernetes context.
 *
 * @param name the name events use ({@code Target.kubernetes.context})
 * @param kubeconfigContext the kubeconfig context to connect with; {@code null}: the service's own client
 * @param namespaces the namespaces Patchflow may work in there
 */
public record ContextSettings(String name, String kubeconfigContext, List<String> namespaces, String environment,
        String landingZone) {

    public ContextSettings {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    }

    public boolean allows(String namespace) {
        return namespaces.contains(namespace);
    }
}
