package dev.patchflow.validator.adapters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.patchflow.kubernetes.ContextSettings;
import dev.patchflow.kubernetes.KubernetesContexts;
import dev.patchflow.localstack.EmbeddedKubernetes;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.KubernetesTarget;
import dev.patchflow.schemas.events.Target;

/** The kubernetes check against the Kubernetes API stand-in; the test plays the Deployment controller. */
class KubernetesCheckTest {

    private static EmbeddedKubernetes cluster;
    private static KubernetesCheck check;

    @BeforeAll
    static void start() {
        cluster = EmbeddedKubernetes.start();
        check = new KubernetesCheck(new KubernetesContexts(cluster.client(),
                List.of(new ContextSettings("prod", null, List.of("rules"), "prod", "eu"))), Duration.ofSeconds(5),
                Duration.ofMillis(100));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static Target target(String name, String service) {
        return new Target("prod.rules.Deployment." + name, name, Target.KIND_KUBERNETES, "prod", "prod", Map.of(),
                null, null, null, "available", null, "5.17.0", null, null, null,
                new KubernetesTarget("prod", "rules", "Deployment", name, "img:5.17.0", 2, 2, 2, service), null);
    }

    private static CheckSpec spec(String url, Integer timeoutSeconds) {
        return new CheckSpec("ready", CheckSpec.KUBERNETES, List.of(), url, null, null, timeoutSeconds);
    }

    @Test
    void passesWhenAvailableWithEveryReplicaReady() {
        cluster.createDeployment("rules", "ready-app", Map.of(), "img:5.17.0", 2);
        cluster.setDeploymentStatus("rules", "ready-app", 2, true);
        CheckResult result = check.run(spec(null, null), target("ready-app", null), null);
        assertThat(result.passed()).isTrue();
        assertThat(result.detail()).startsWith("Deployment rules/ready-app: 2 of 2 ready, 2 available, Available=True");
    }

    @Test
    void waitsForPodsThatAreStillRestartingWithinItsTimeout() {
        cluster.createDeployment("rules", "restarting", Map.of(), "img:5.17.0", 2);
        cluster.setDeploymentStatus("rules", "restarting", 1, true);
        CompletableFuture<Void> controller = CompletableFuture.runAsync(
                () -> cluster.setDeploymentStatus("rules", "restarting", 2, true),
                CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
        assertThat(check.run(spec(null, 10), target("restarting", null), null).passed()).isTrue();
        controller.join();
    }

    @Test
    void failsNamingTheReplicasWhenNotEveryReplicaBecomesReady() {
        cluster.createDeployment("rules", "degraded", Map.of(), "img:5.17.0", 3);
        cluster.setDeploymentStatus("rules", "degraded", 2, true);
        CheckResult result = check.run(spec(null, 1), target("degraded", null), null);
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("Deployment rules/degraded: 2 of 3 ready, 2 available, Available=True "
                + "(MinimumReplicasAvailable: Deployment has minimum availability.) (not every replica ready) after 1s");
    }

    @Test
    void probesHttpHealthThroughTheServiceProxy() {
        cluster.createDeployment("rules", "web", Map.of(), "img:5.17.0", 1);
        cluster.setDeploymentStatus("rules", "web", 1, true);
        cluster.createService("rules", "web-http", "web", 8080);
        cluster.answerServiceProxy("rules", "web-http", 200, "{\"status\":\"UP\"}");
        CheckResult up = check.run(spec("http://${service}:8080/q/health/ready", 60), target("web", "web-http"),
                null);
        assertThat(up.passed()).as(up.detail()).isTrue();
        assertThat(up.detail()).endsWith("HTTP 200 from http://web-http:8080/q/health/ready through the API server");

        cluster.answerServiceProxy("rules", "web-http", 503, "{\"status\":\"DOWN\"}");
        int asked = proxyRequests();
        CheckResult down = check.run(spec("http://${service}:8080/q/health/ready", 60), target("web", "web-http"),
                null);
        assertThat(down.passed()).isFalse();
        assertThat(down.detail())
                .isEqualTo("HTTP 503 from http://web-http:8080/q/health/ready through the API server, expected 200");
        // the workload's 5xx is the answer: asked once, not retried by the client until its backoff runs out
        assertThat(proxyRequests() - asked).isEqualTo(1);
    }

    private int proxyRequests() {
        return (int) cluster.requests().stream().filter(r -> r.contains("/services/web-http:8080/proxy/")).count();
    }

    @Test
    void aTargetThatIsNotAWorkloadOrOutsideTheConfiguredNamespacesFails() {
        Target directory = new Target("app-1", "app-1", Target.KIND_DIRECTORY, "dev", "lz", Map.of(), null, null,
                null, "installed", "/srv/app", "1.0", null, null);
        assertThat(check.run(spec(null, 1), directory, null).detail())
                .isEqualTo("target app-1 is not a Kubernetes workload");
        Target foreign = new Target("prod.kube-system.Deployment.dns", "dns", Target.KIND_KUBERNETES, "prod", "prod",
                Map.of(), null, null, null, null, null, null, null, null, null,
                new KubernetesTarget("prod", "kube-system", "Deployment", "dns", null, 1, 1), null);
        assertThat(check.run(spec(null, 1), foreign, null).detail()).isEqualTo(
                "namespace 'kube-system' is not one Patchflow works in on context 'prod' (configured: rules)");
    }
}
