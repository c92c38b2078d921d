package dev.patchflow.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.patchflow.localstack.EmbeddedKubernetes;

class WorkloadsTest {

    private static EmbeddedKubernetes cluster;

    @BeforeAll
    static void start() {
        cluster = EmbeddedKubernetes.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aDeploymentIsAvailableOnlyWithTheAvailableConditionAndFullyReadyWhenEveryReplicaIsReady() {
        cluster.createDeployment("apps", "web", Map.of(), "web:1", 2);
        WorkloadStatus fresh = Workloads.read(cluster.client(), "Deployment", "apps", "web");
        assertThat(fresh.exists()).isTrue();
        assertThat(fresh.isAvailable()).isFalse();
        assertThat(fresh.describe())
                .isEqualTo("Deployment apps/web: 0 of 2 ready, 0 available, no Available condition yet");

        cluster.setDeploymentStatus("apps", "web", 1, true);
        WorkloadStatus partly = Workloads.read(cluster.client(), "Deployment", "apps", "web");
        assertThat(partly.isAvailable()).isTrue();
        assertThat(partly.isFullyReady()).isFalse();

        cluster.setDeploymentStatus("apps", "web", 2, true);
        assertThat(Workloads.read(cluster.client(), "Deployment", "apps", "web").isFullyReady()).isTrue();
    }

    @Test
    void aStatefulSetIsAvailableWhenEveryDesiredReplicaIsAvailableAndAMissingWorkloadSaysSo() {
        cluster.createStatefulSet("apps", "db", Map.of(), "db:1", 3);
        assertThat(Workloads.read(cluster.client(), "StatefulSet", "apps", "db").isAvailable()).isFalse();
        cluster.setStatefulSetStatus("apps", "db", 3);
        assertThat(Workloads.read(cluster.client(), "StatefulSet", "apps", "db").isFullyReady()).isTrue();
        assertThat(Workloads.read(cluster.client(), "Deployment", "apps", "nope").describe())
                .isEqualTo("Deployment apps/nope does not exist");
    }

    @Test
    void waitingReturnsOnceTheDeploymentBecomesAvailableLate() throws Exception {
        cluster.createDeployment("apps", "late", Map.of(), "late:1", 1);
        CompletableFuture<Void> controller = CompletableFuture.runAsync(
                () -> cluster.setDeploymentStatus("apps", "late", 1, true),
                CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS));
        WorkloadStatus status = Workloads.awaitAvailable(cluster.client(), "Deployment", "apps", "late",
                Duration.ofSeconds(30), Duration.ofMillis(100));
        controller.join();
        assertThat(status.isAvailable()).isTrue();
    }

    @Test
    void waitingGivesUpAfterTheTimeoutWithTheLastStatus() throws Exception {
        cluster.createDeployment("apps", "never", Map.of(), "never:1", 1);
        cluster.setDeploymentStatus("apps", "never", 0, false);
        WorkloadStatus status = Workloads.awaitAvailable(cluster.client(), "Deployment", "apps", "never",
                Duration.ofMillis(500), Duration.ofMillis(100));
        assertThat(status.isAvailable()).isFalse();
        assertThat(status.describe()).contains("Available=False (MinimumReplicasUnavailable");
    }

    @Test
    void contextsNameWhatIsConfiguredWhenAskedForAnythingElse() {
        KubernetesContexts contexts = new KubernetesContexts(cluster.client(),
                List.of(new ContextSettings("prod", null, List.of("apps"), "prod", "eu")));
        assertThat(contexts.client("prod")).isSameAs(cluster.client());
        assertThatThrownBy(() -> contexts.client("dev"))
                .hasMessage("unknown Kubernetes context 'dev' (configured: prod)");
        assertThatThrownBy(() -> contexts.requireNamespace("prod", "kube-system"))
                .hasMessage(
                        "namespace 'kube-system' is not one Patchflow works in on context 'prod' (configured: apps)");
    }
}
