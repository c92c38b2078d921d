package dev.patchflow.localstack;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A Kubernetes API stand-in for a {@code @QuarkusTest}: starts {@link EmbeddedKubernetes} and points the
 * service's {@code quarkus-kubernetes-client} at it. The test reaches the same server with {@link #current()}
 * (a client of its URL, whatever class loader the test runs in) and plays the controllers with it.
 * <p>
 * Init arg {@code context} (default {@code test}) and {@code namespaces} (default {@code apps}) configure
 * {@code patchflow.kubernetes.contexts.<context>.namespaces} for the service.
 */
public class EmbeddedKubernetesTestResource implements QuarkusTestResourceLifecycleManager {

    static final String URL_PROPERTY = "patchflow.localstack.kubernetes.url";

    private EmbeddedKubernetes cluster;
    private String context = "test";
    private String namespaces = "apps";

    @Override
    public void init(Map<String, String> initArgs) {
        context = initArgs.getOrDefault("context", context);
        namespaces = initArgs.getOrDefault("namespaces", namespaces);
    }

    @Override
    public Map<String, String> start() {
        cluster = EmbeddedKubernetes.start();
        System.setProperty(URL_PROPERTY, cluster.url());
        Map<String, String> properties = new LinkedHashMap<>(cluster.serviceProperties());
        properties.put("patchflow.kubernetes.contexts." + context + ".namespaces", namespaces);
        return properties;
    }

    @Override
    public void stop() {
        System.clearProperty(URL_PROPERTY);
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A view of the running server (close it when done: it closes only its client). */
    public static EmbeddedKubernetes current() {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            throw new IllegalStateException("No Kubernetes stand-in is running: add EmbeddedKubernetesTestResource "
                    + "to the test's resources");
        }
        return EmbeddedKubernetes.connect(url);
    }
}
