package dev.patchflow.scanner.adapters.kubernetes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import dev.patchflow.kubernetes.ContextSettings;
import dev.patchflow.kubernetes.KubernetesConfig;
import dev.patchflow.kubernetes.KubernetesContexts;
import dev.patchflow.kubernetes.WorkloadStatus;
import dev.patchflow.scanner.domain.InventoryProvider;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.schemas.events.KubernetesTarget;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * The {@code kubernetes} inventory: the Deployments and StatefulSets of configured contexts and namespaces
 * ({@code patchflow.kubernetes.contexts.*}), one target each. {@code targets.source} names where to look:
 * {@code <context>} (all its namespaces) or {@code <context>/<namespace>}, comma-separated. {@code targets.labels}
 * is sent to the API server as the label selector (and checked again by the common selection).
 * <p>
 * A target: id {@code <context>.<namespace>.<Kind>.<name>}, {@code installedVersion} = the version label
 * ({@code patchflow.kubernetes.version-label}, else the image tag), environment and landing zone of the context,
 * the workload's labels, {@code address} = its Service's DNS name, and the {@code kubernetes} facts (image,
 * desired/ready/available replicas, the Service selecting its pods).
 */
@ApplicationScoped
public class KubernetesInventoryProvider implements InventoryProvider {

    public static final String NAME = "kubernetes";

    private final KubernetesContexts contexts;
    private final String versionLabel;

    @Inject
    public KubernetesInventoryProvider(KubernetesContexts contexts, KubernetesConfig config) {
        this(contexts, config.versionLabel());
    }

    public KubernetesInventoryProvider(KubernetesContexts contexts, String versionLabel) {
        this.contexts = contexts;
        this.versionLabel = versionLabel;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String sourceDescription() {
        return "a context or context/namespace, comma-separated (configured: "
                + String.join(", ", contexts.contexts().stream().map(ContextSettings::name).toList()) + ")";
    }

    @Override
    public boolean providesInstallFolders() {
        return false;
    }

    @Override
    public List<Target> discover(TargetSelector selector) {
        Map<String, List<String>> where = where(selector.source());
        List<Target> targets = new ArrayList<>();
        where.forEach((context, namespaces) -> {
            ContextSettings settings = contexts.require(context);
            KubernetesClient client = contexts.client(context);
            for (String namespace : namespaces) {
                targets.addAll(discover(client, settings, namespace, selector.labels()));
            }
        });
        targets.sort(Comparator.comparing(Target::id));
        return targets;
    }

    /** {@code source} → context → namespaces, each checked against the configuration. */
    private Map<String, List<String>> where(String source) {
        Map<String, List<String>> where = new LinkedHashMap<>();
        for (String entry : source.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int slash = trimmed.indexOf('/');
            String context = slash < 0 ? trimmed : trimmed.substring(0, slash);
            try {
                ContextSettings settings = contexts.require(context);
                if (slash < 0) {
                    if (settings.namespaces().isEmpty()) {
                        throw new RejectedRunException("context '" + context + "' has no namespaces configured "
                                + "(patchflow.kubernetes.contexts." + context + ".namespaces)");
                    }
                    where.computeIfAbsent(context, c -> new ArrayList<>()).addAll(settings.namespaces());
                } else {
                    String namespace = trimmed.substring(slash + 1);
                    contexts.requireNamespace(context, namespace);
                    where.computeIfAbsent(context, c -> new ArrayList<>()).add(namespace);
                }
            } catch (IllegalArgumentException e) {
                throw new RejectedRunException("targets.source '" + source + "': " + e.getMessage(), e);
            }
        }
        where.replaceAll((context, namespaces) -> namespaces.stream().distinct().toList());
        return where;
    }

    private List<Target> discover(KubernetesClient client, ContextSettings context, String namespace,
            Map<String, String> labels) {
        List<Target> targets = new ArrayList<>();
        try {
            List<Service> services = client.services().inNamespace(namespace).list().getItems();
            client.apps().deployments().inNamespace(namespace).withLabels(labels).list().getItems()
                    .forEach(d -> targets.add(target(context, d.getMetadata(), d.getSpec().getTemplate(),
                            WorkloadStatus.of(d), services)));
            client.apps().statefulSets().inNamespace(namespace).withLabels(labels).list().getItems()
                    .forEach(s -> targets.add(target(context, s.getMetadata(), s.getSpec().getTemplate(),
                            WorkloadStatus.of(s), services)));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 401 || e.getCode() == 403 || e.getCode() == 404) {
                throw new RejectedRunException("cannot list workloads in namespace " + namespace + " of context "
                        + context.name() + ": HTTP " + e.getCode() + " " + e.getStatus().getMessage(), e);
            }
            // Unreachable or failing API server: not the request's fault, retried by the scanner.
            throw new IllegalStateException("Kubernetes API of context " + context.name() + " failed listing "
                    + namespace + ": " + e.getMessage(), e);
        }
        return targets;
    }

    private Target target(ContextSettings context, ObjectMeta meta, PodTemplateSpec template, WorkloadStatus status,
            List<Service> services) {
        String image = template.getSpec().getContainers().isEmpty()
                ? null
                : template.getSpec().getContainers().get(0).getImage();
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        String version = Optional.ofNullable(labels.get(versionLabel)).orElseGet(() -> imageTag(image));
        String service = serviceOf(template, services);
        String state = !status.exists()
                ? "missing"
                : status.desired() == 0 ? "scaled-to-zero" : status.isAvailable() ? "available" : "unavailable";
        return new Target(context.name() + "." + meta.getNamespace() + "." + status.kind() + "." + meta.getName(),
                meta.getName(), Target.KIND_KUBERNETES, context.environment(), context.landingZone(), labels,
                (service == null ? meta.getName() : service) + "." + meta.getNamespace() + ".svc", null, null, state,
                null, version, null, null, null,
                new KubernetesTarget(context.name(), meta.getNamespace(), status.kind(), meta.getName(), image,
                        status.desired(), status.ready(), status.available(), service),
                null);
    }

    /** The first Service (by name) whose selector matches the workload's pod labels. */
    private static String serviceOf(PodTemplateSpec template, List<Service> services) {
        Map<String, String> podLabels = template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? Map.of()
                : template.getMetadata().getLabels();
        return services.stream()
                .filter(s -> s.getSpec() != null && s.getSpec().getSelector() != null
                        && !s.getSpec().getSelector().isEmpty()
                        && podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                .map(s -> s.getMetadata().getName())
                .sorted()
                .findFirst().orElse(null);
    }

    private static String imageTag(String image) {
        if (image == null) {
            return null;
        }
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(colon + 1) : null;
    }
}
