package dev.patchflow.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code patchflow.kubernetes.*}: the clusters Patchflow works in, the same keys in scanner-svc,
 * patch-runner-svc and validator-svc, so that a target's {@code kubernetes.context} means one cluster
 * everywhere.
 *
 * <pre>
 * patchflow.kubernetes.contexts."prod-eu".kubeconfig-context=arn:aws:eks:eu-west-1:…:cluster/prod
 * patchflow.kubernetes.contexts."prod-eu".namespaces=payments,rules
 * patchflow.kubernetes.contexts."prod-eu".environment=prod
 * patchflow.kubernetes.contexts."prod-eu".landing-zone=eu-west-1
 * </pre>
 */
@ConfigMapping(prefix = "patchflow.kubernetes")
public interface KubernetesConfig {

    /** Context name → how to reach it and where Patchflow may work in it. */
    Map<String, Context> contexts();

    /** The workload label that holds its version (the target's {@code installedVersion}). */
    @WithDefault("app.kubernetes.io/version")
    String versionLabel();

    interface Context {

        /**
         * The kubeconfig context to connect with. Absent: the service's own client (in a pod, the
         * in-cluster service account; otherwise {@code quarkus.kubernetes-client.*} or the current kubeconfig
         * context).
         */
        Optional<String> kubeconfigContext();

        /**
         * The only namespaces Patchflow reads (scanner, validator) and runs Jobs in (runner) in this
         * context; RBAC in {@code k8s/} grants exactly these.
         */
        Optional<List<String>> namespaces();

        /** The environment of the targets found here; default: the context's name. */
        Optional<String> environment();

        /** The landing zone of the targets found here; default: the context's name. */
        Optional<String> landingZone();
    }

    /** The configuration as plain values, sorted by context name. */
    default List<ContextSettings> settings() {
        return contexts().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new ContextSettings(e.getKey(), e.getValue().kubeconfigContext().orElse(null),
                        e.getValue().namespaces().orElse(List.of()),
                        e.getValue().environment().orElse(e.getKey()),
                        e.getValue().landingZone().orElse(e.getKey())))
                .toList();
    }
}
