package dev.patchflow.scanner.adapters.kubernetes;

import static dev.patchflow.scanner.support.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.patchflow.kubernetes.ContextSettings;
import dev.patchflow.kubernetes.KubernetesContexts;
import dev.patchflow.localstack.EmbeddedKubernetes;
import dev.patchflow.scanner.domain.InventoryProviders;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.scanner.domain.RunRequestValidator;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.KubernetesTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/** The kubernetes inventory against the Kubernetes API stand-in (fabric8 mock server, CRUD mode). */
class KubernetesInventoryProviderTest {

    private static EmbeddedKubernetes cluster;
    private static KubernetesInventoryProvider provider;

    @BeforeAll
    static void cluster() {
        cluster = EmbeddedKubernetes.start();
        Map<String, String> rules = Map.of("app.kubernetes.io/part-of", "rules", "app.kubernetes.io/version", "5.16.2");
        cluster.createDeployment("rules", "rule-engine", rules, "registry.example.com/rule-engine:5.16.2", 3);
        cluster.setDeploymentStatus("rules", "rule-engine", 2, true);
        cluster.createService("rules", "rule-engine-http", "rule-engine", 8080);
        cluster.createStatefulSet("rules", "rule-store", Map.of("app.kubernetes.io/part-of", "rules"),
                "registry.example.com/rule-store:2.1.0", 3);
        cluster.setStatefulSetStatus("rules", "rule-store", 3);
        cluster.createDeployment("rules", "unrelated", Map.of("app.kubernetes.io/part-of", "billing"),
                "registry.example.com/unrelated:1.0", 1);
        cluster.createDeployment("payments", "ledger", Map.of("app.kubernetes.io/part-of", "payments"),
                "registry.example.com/ledger:7.0.0", 0);
        cluster.createDeployment("kube-system", "coredns", Map.of(), "coredns:1.11", 2);
        KubernetesContexts contexts = new KubernetesContexts(cluster.client(),
                List.of(new ContextSettings("prod-eu", null, List.of("rules", "payments"), "prod", "eu-west-1")));
        provider = new KubernetesInventoryProvider(contexts, "app.kubernetes.io/version");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static TargetSelector selector(String source, Map<String, String> labels) {
        return new TargetSelector("kubernetes", source, null, List.of(), labels);
    }

    @Test
    void findsDeploymentsAndStatefulSetsByNamespaceAndLabelSelector() {
        List<Target> targets = provider
                .discover(selector("prod-eu/rules", Map.of("app.kubernetes.io/part-of", "rules")));

        assertThat(targets).extracting(Target::id)
                .containsExactly("prod-eu.rules.Deployment.rule-engine", "prod-eu.rules.StatefulSet.rule-store");
        Target engine = targets.get(0);
        assertThat(engine.kind()).isEqualTo(Target.KIND_KUBERNETES);
        assertThat(engine.environment()).isEqualTo("prod");
        assertThat(engine.landingZone()).isEqualTo("eu-west-1");
        assertThat(engine.installedVersion()).isEqualTo("5.16.2");
        assertThat(engine.address()).isEqualTo("rule-engine-http.rules.svc");
        assertThat(engine.state()).isEqualTo("available");
        assertThat(engine.kubernetes()).isEqualTo(new KubernetesTarget("prod-eu", "rules", "Deployment",
                "rule-engine", "registry.example.com/rule-engine:5.16.2", 3, 2, 2, "rule-engine-http"));
        Target store = targets.get(1);
        // No version label: the image tag.
        assertThat(store.installedVersion()).isEqualTo("2.1.0");
        assertThat(store.kubernetes().readyReplicas()).isEqualTo(3);
        assertThat(store.kubernetes().service()).isNull();
    }

    @Test
    void aContextAloneMeansEveryConfiguredNamespaceAndNothingElse() {
        List<Target> targets = provider.discover(selector("prod-eu", Map.of()));
        assertThat(targets).extracting(Target::id).containsExactly("prod-eu.payments.Deployment.ledger",
                "prod-eu.rules.Deployment.rule-engine", "prod-eu.rules.Deployment.unrelated",
                "prod-eu.rules.StatefulSet.rule-store");
        assertThat(targets.get(0).state()).isEqualTo("scaled-to-zero");
    }

    @Test
    void anUnconfiguredContextOrNamespaceRejectsTheRunNamingWhatIsConfigured() {
        assertThatThrownBy(() -> provider.discover(selector("prod-us", Map.of())))
                .isInstanceOf(RejectedRunException.class)
                .hasMessage("targets.source 'prod-us': unknown Kubernetes context 'prod-us' (configured: prod-eu)");
        assertThatThrownBy(() -> provider.discover(selector("prod-eu/kube-system", Map.of())))
                .isInstanceOf(RejectedRunException.class)
                .hasMessage("targets.source 'prod-eu/kube-system': namespace 'kube-system' is not one Patchflow works "
                        + "in on context 'prod-eu' (configured: rules, payments)");
    }

    @Test
    void requestsForTheK8sJobExecutorAndTheKubernetesCheckAreValidated() {
        RunRequestValidator validator = new RunRequestValidator(new InventoryProviders(List.of(provider)),
                Set.of("process", "k8s-job"));
        PatchSpec noImage = new PatchSpec("rule-engine", "5.17.0", "k8s-job", List.of(), null, Map.of());
        PatchSpec withImage = new PatchSpec("rule-engine", "5.17.0", "k8s-job", List.of(), null,
                Map.of("image", "registry.example.com/patches/rule-engine:5.17.0"));
        CheckSpec ready = new CheckSpec("ready", CheckSpec.KUBERNETES, List.of(), "http://${service}:8080/q/health",
                null, null, null);
        CheckSpec badPlaceholder = new CheckSpec("bad", CheckSpec.KUBERNETES, List.of(), "http://${pod}:8080/", null,
                null, null);

        assertThat(validator.problems(request().targets("kubernetes", "prod-eu/rules").patch(withImage).checks(ready)
                .build())).isEmpty();
        assertThat(validator.problems(request().targets("kubernetes", "prod-eu/rules").patch(noImage).checks()
                .build()))
                .containsExactly("patch.parameters.image is missing: the k8s-job executor runs a patch image");
        assertThat(validator.problems(request().targets("kubernetes", "prod-eu/rules").patch(withImage)
                .checks(badPlaceholder).build())).containsExactly(
                        "check 0 ('bad'): unknown placeholder ${pod} in url (known: ${address}, ${id}, ${service})");
    }
}
