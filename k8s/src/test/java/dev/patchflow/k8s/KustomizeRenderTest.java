package dev.patchflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.patchflow.schemas.Topics;

/**
 * Renders every overlay with {@code kubectl kustomize} (offline) and checks what a platform team relies on: every
 * Deployment hardened, probed and sized; every topic and dead-letter topic of the contract declared as a Strimzi
 * KafkaTopic (read from {@link Topics}, so the manifests cannot drift from the code); every service account bound
 * to the least it needs, the runner only in the namespaces it patches; no Secret committed.
 */
class KustomizeRenderTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path K8S = Path.of(System.getProperty("user.dir")).getFileName().toString().equals("k8s")
            ? Path.of(System.getProperty("user.dir"))
            : Path.of(System.getProperty("user.dir"), "k8s");
    private static final List<String> SERVICES = List.of("scanner-svc", "backup-svc", "patch-runner-svc",
            "validator-svc", "report-svc");

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            List<String> names = dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            assertThat(names).contains("dev", "prod");
            return names.stream();
        }
    }

    /** {@code kubectl kustomize k8s/overlays/<name>}, parsed. */
    static List<JsonNode> render(String overlay) throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize",
                K8S.resolve("overlays").resolve(overlay).toString())
                .redirectErrorStream(false).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor()).as("kubectl kustomize %s: %s", overlay, err).isZero();
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isEmpty()) {
                    objects.add(doc);
                }
            }
        }
        return objects;
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static String namespace(JsonNode object) {
        return object.path("metadata").path("namespace").asText();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentIsHardenedProbedAndSized(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        List<JsonNode> deployments = ofKind(objects, "Deployment");
        assertThat(deployments).extracting(KustomizeRenderTest::name).containsExactlyInAnyOrderElementsOf(SERVICES);
        for (JsonNode deployment : deployments) {
            String what = overlay + " Deployment " + name(deployment);
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(what).isTrue();
            assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).as(what)
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.path("serviceAccountName").asText()).as(what).isEqualTo(name(deployment));
            for (JsonNode container : pod.path("containers")) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(what).isFalse();
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(what).isTrue();
                assertThat(security.path("capabilities").path("drop").toString()).as(what).contains("\"ALL\"");
                assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).as(what)
                        .isEqualTo("/q/health/ready");
                assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).as(what)
                        .isEqualTo("/q/health/live");
                assertThat(container.path("startupProbe").path("httpGet").path("path").asText()).as(what)
                        .startsWith("/q/health");
                assertThat(container.path("resources").path("requests").has("cpu")).as(what).isTrue();
                assertThat(container.path("resources").path("requests").has("memory")).as(what).isTrue();
                assertThat(container.path("resources").path("limits").has("memory")).as(what).isTrue();
            }
            // Each service has its Service, ServiceAccount, disruption budget and lag-based autoscaler.
            for (String kind : List.of("Service", "ServiceAccount", "PodDisruptionBudget", "ScaledObject")) {
                assertThat(ofKind(objects, kind)).as(what + " " + kind).anyMatch(o -> name(o).equals(name(deployment))
                        && namespace(o).equals(namespace(deployment)));
            }
        }
        for (JsonNode scaled : ofKind(objects, "ScaledObject")) {
            JsonNode trigger = scaled.path("spec").path("triggers").get(0);
            assertThat(trigger.path("type").asText()).isEqualTo("kafka");
            assertThat(trigger.path("metadata").path("consumerGroup").asText()).isEqualTo(name(scaled));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyTopicAndDeadLetterTopicOfTheContractIsAKafkaTopic(String overlay) throws Exception {
        Set<String> expected = new TreeSet<>();
        for (String topic : Topics.STAGES) {
            expected.add(topic);
            expected.add(Topics.deadLetter(topic));
        }
        List<JsonNode> topics = ofKind(render(overlay), "KafkaTopic");
        assertThat(topics).extracting(t -> t.path("spec").path("topicName").asText())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(topics).allSatisfy(t -> assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster")
                .asText()).isEqualTo("patchflow"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceAccountIsBoundToTheLeastItNeedsAndTheRunnerOnlyWhereItPatches(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        assertThat(ofKind(objects, "ClusterRole")).as("nothing cluster-wide").isEmpty();
        assertThat(ofKind(objects, "ClusterRoleBinding")).as("nothing cluster-wide").isEmpty();
        assertThat(ofKind(objects, "Secret")).as("no Secret is committed").isEmpty();

        String patchflowNamespace = namespace(ofKind(objects, "Deployment").get(0));
        Map<String, JsonNode> roles = new HashMap<>();
        ofKind(objects, "Role").forEach(r -> roles.put(namespace(r) + "/" + name(r), r));
        // service account → namespace → allowed (apiGroup/resource → verbs)
        Map<String, Map<String, Map<String, Set<String>>>> grants = new HashMap<>();
        for (JsonNode binding : ofKind(objects, "RoleBinding")) {
            JsonNode role = roles.get(namespace(binding) + "/" + binding.path("roleRef").path("name").asText());
            assertThat(role).as("role of " + name(binding)).isNotNull();
            for (JsonNode subject : binding.path("subjects")) {
                String account = subject.path("namespace").asText() + "/" + subject.path("name").asText();
                Map<String, Set<String>> allowed = grants.computeIfAbsent(account, a -> new HashMap<>())
                        .computeIfAbsent(namespace(binding), n -> new HashMap<>());
                for (JsonNode rule : role.path("rules")) {
                    for (JsonNode group : rule.path("apiGroups")) {
                        for (JsonNode resource : rule.path("resources")) {
                            for (JsonNode verb : rule.path("verbs")) {
                                assertThat(verb.asText()).as("no wildcard verbs").isNotEqualTo("*");
                                assertThat(resource.asText()).as("no wildcard resources").isNotEqualTo("*");
                                allowed.computeIfAbsent(group.asText() + "/" + resource.asText(), k -> new TreeSet<>())
                                        .add(verb.asText());
                            }
                        }
                    }
                }
            }
        }
        Set<String> read = Set.of("get", "list", "watch");
        Set<String> patched = patchedNamespaces(objects);
        assertThat(patched).as("namespaces in patchflow-kubernetes").isNotEmpty().doesNotContain(patchflowNamespace);

        Map<String, Map<String, Set<String>>> scanner = grants.get(patchflowNamespace + "/scanner-svc");
        assertThat(scanner).as("scanner").isNotNull();
        assertThat(scanner.keySet()).isEqualTo(patched);
        scanner.values().forEach(allowed -> {
            assertThat(allowed.keySet()).containsExactlyInAnyOrder("apps/deployments", "apps/statefulsets",
                    "/services");
            allowed.values().forEach(verbs -> assertThat(read).containsAll(verbs));
        });

        Map<String, Map<String, Set<String>>> validator = grants.get(patchflowNamespace + "/validator-svc");
        assertThat(validator.keySet()).isEqualTo(patched);
        validator.values().forEach(allowed -> {
            assertThat(allowed.keySet()).containsExactlyInAnyOrder("apps/deployments", "apps/statefulsets",
                    "/services", "/services/proxy");
            allowed.values().forEach(verbs -> assertThat(read).containsAll(verbs));
        });

        Map<String, Map<String, Set<String>>> runner = grants.get(patchflowNamespace + "/patch-runner-svc");
        assertThat(runner.keySet()).as("the runner manages Jobs only where it patches").isEqualTo(patched);
        runner.values().forEach(allowed -> {
            assertThat(allowed).containsOnlyKeys("batch/jobs", "/pods", "/pods/log", "apps/deployments",
                    "apps/statefulsets");
            assertThat(allowed.get("/pods/log")).containsExactly("get");
            assertThat(read).containsAll(allowed.get("/pods"));
            assertThat(read).containsAll(allowed.get("apps/deployments"));
        });

        for (String service : List.of("backup-svc", "report-svc")) {
            assertThat(grants).as(service + " talks to no API server").doesNotContainKey(
                    patchflowNamespace + "/" + service);
            assertThat(ofKind(objects, "ServiceAccount")).filteredOn(sa -> name(sa).equals(service)).singleElement()
                    .satisfies(sa -> assertThat(sa.path("automountServiceAccountToken").asBoolean(true)).isFalse());
        }
        Set<String> known = new HashSet<>();
        for (String service : List.of("scanner-svc", "validator-svc", "patch-runner-svc")) {
            known.add(patchflowNamespace + "/" + service);
        }
        patched.forEach(ns -> known.add(ns + "/patchflow-patch"));
        assertThat(grants.keySet()).as("no other account is granted anything").isSubsetOf(known);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void deniesNetworkTrafficByDefaultAndSweepsBackupsWithAHardenedCronJob(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        assertThat(ofKind(objects, "NetworkPolicy")).anySatisfy(p -> {
            assertThat(name(p)).isEqualTo("default-deny");
            assertThat(p.path("spec").path("podSelector").isEmpty()).isTrue();
            assertThat(p.path("spec").path("policyTypes").toString()).contains("Ingress").contains("Egress");
        });
        JsonNode cron = ofKind(objects, "CronJob").stream().filter(c -> name(c).equals("backup-retention-sweep"))
                .findFirst().orElseThrow();
        JsonNode pod = cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("containers").get(0).path("securityContext").path("readOnlyRootFilesystem").asBoolean())
                .isTrue();
        assertThat(pod.path("containers").get(0).path("args").toString()).contains("/api/retention/sweep");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void scrapesEveryServiceAndAlertsOnDeadLettersPerTopic(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        JsonNode monitor = ofKind(objects, "PodMonitor").stream().filter(m -> name(m).equals("patchflow-services"))
                .findFirst().orElseThrow();
        assertThat(monitor.path("spec").path("selector").toString()).contains(SERVICES);
        assertThat(monitor.path("spec").path("podMetricsEndpoints").get(0).path("path").asText())
                .isEqualTo("/q/metrics");
        assertThat(monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText()).isEqualTo("http");
        JsonNode rule = ofKind(objects, "PrometheusRule").stream()
                .filter(r -> name(r).equals("patchflow-dead-letters")).findFirst().orElseThrow();
        JsonNode alert = null;
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode r : group.path("rules")) {
                if (r.path("alert").asText().equals("PatchflowDeadLetters")) {
                    alert = r;
                }
            }
        }
        assertThat(alert).as("alert PatchflowDeadLetters").isNotNull();
        // service-kit's RecordPipeline counter, as Prometheus names it, per topic
        assertThat(alert.path("expr").asText()).contains("patchflow_consumer_dead_letters_total")
                .contains("by (topic, reason_class)").contains("increase(");
        assertThat(alert.path("annotations").path("description").asText()).contains("patchctl dlq list --topic");
    }

    /** {@code patchflow.kubernetes.contexts.*.namespaces} of the rendered patchflow-kubernetes ConfigMap. */
    private static Set<String> patchedNamespaces(List<JsonNode> objects) throws IOException {
        JsonNode config = ofKind(objects, "ConfigMap").stream()
                .filter(c -> name(c).startsWith("patchflow-kubernetes")).findFirst().orElseThrow();
        Properties properties = new Properties();
        properties.load(new StringReader(config.path("data").path("kubernetes.properties").asText()));
        Set<String> namespaces = new TreeSet<>();
        properties.stringPropertyNames().stream().filter(k -> k.endsWith(".namespaces"))
                .forEach(k -> namespaces.addAll(List.of(properties.getProperty(k).split("\\s*,\\s*"))));
        return namespaces;
    }
}
