package dev.patchflow.kubernetes;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The configured contexts and one fabric8 client per context. A context without a kubeconfig context uses
 * the service's own client; the others get a client built once from the kubeconfig (and closed with this).
 */
public final class KubernetesContexts implements AutoCloseable {

    private final KubernetesClient defaultClient;
    private final Map<String, ContextSettings> byName = new TreeMap<>();
    private final Map<String, KubernetesClient> built = new ConcurrentHashMap<>();
    private final Function<String, KubernetesClient> clientFactory;

    public KubernetesContexts(KubernetesClient defaultClient, Collection<ContextSettings> contexts) {
        this(defaultClient, contexts,
                kubeconfigContext -> new KubernetesClientBuilder().withConfig(Config.autoConfigure(kubeconfigContext))
                        .build());
    }

    KubernetesContexts(KubernetesClient defaultClient, Collection<ContextSettings> contexts,
            Function<String, KubernetesClient> clientFactory) {
        this.defaultClient = defaultClient;
        this.clientFactory = clientFactory;
        contexts.forEach(context -> byName.put(context.name(), context));
    }

    public static KubernetesContexts of(KubernetesClient defaultClient, KubernetesConfig config) {
        return new KubernetesContexts(defaultClient, config.settings());
    }

    public List<ContextSettings> contexts() {
        return List.copyOf(byName.values());
    }

    public Optional<ContextSettings> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    /** The settings of a configured context, or an {@link UnknownContextException} naming the configured ones. */
    public ContextSettings require(String name) {
        return find(name).orElseThrow(() -> new UnknownContextException("unknown Kubernetes context '" + name
                + "' (configured: " + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")"));
    }

    /**
     * Checks that Patchflow works in {@code namespace} of {@code context}: nothing is read or created
     * elsewhere, whatever an event says.
     */
    public ContextSettings requireNamespace(String context, String namespace) {
        ContextSettings settings = require(context);
        if (!settings.allows(namespace)) {
            throw new UnknownContextException("namespace '" + namespace + "' is not one Patchflow works in on context '"
                    + context + "' (configured: "
                    + (settings.namespaces().isEmpty() ? "none" : String.join(", ", settings.namespaces())) + ")");
        }
        return settings;
    }

    /** The client of a configured context. */
    public KubernetesClient client(String context) {
        ContextSettings settings = require(context);
        if (settings.kubeconfigContext() == null || settings.kubeconfigContext().isBlank()) {
            return defaultClient;
        }
        return built.computeIfAbsent(settings.name(), name -> clientFactory.apply(settings.kubeconfigContext()));
    }

    @Override
    public void close() {
        built.values().forEach(KubernetesClient::close);
        built.clear();
    }
}
