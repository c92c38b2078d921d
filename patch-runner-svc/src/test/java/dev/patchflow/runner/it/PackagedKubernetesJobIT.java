package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.fabric8.kubernetes.api.model.batch.v1.Job;

import dev.patchflow.localstack.EmbeddedKubernetes;
import dev.patchflow.localstack.EmbeddedKubernetes.JobEnd;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.localstack.ServiceProcess;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.runner.adapters.kubernetes.KubernetesFixtures;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The packaged runner with the {@code k8s-job} executor against the Kubernetes API stand-in: killed with SIGKILL
 * while its Job runs, restarted with the same instance id, it finds the Job by its recorded name and adopts it;
 * exactly one Job is ever created and the target is reported once.
 */
class PackagedKubernetesJobIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension();

    private final List<Process> services = new ArrayList<>();
    private EmbeddedKubernetes cluster;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process service : services) {
            service.destroy();
            service.waitFor();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRunnerKilledWhileItsJobRunsAdoptsTheJobAfterRestartAndNeverCreatesASecondOne() throws Exception {
        LocalStack stack = localStack.stack();
        cluster = EmbeddedKubernetes.start();
        cluster.createDeployment("rules", "rule-engine", Map.of(), "rule-engine:5.16.2", 2);
        cluster.setDeploymentStatus("rules", "rule-engine", 2, true);
        String instanceId = "k8s-runner-" + System.nanoTime();
        int port = freePort();
        Process first = start(stack, "k8s-first", port, instanceId);
        awaitReady(first, port, "k8s-first");

        Target target = KubernetesFixtures.deployment("prod", "rules", "rule-engine");
        RunContext run = Fixtures.run("k8s-kill-run", KubernetesFixtures.patch("5.17.0", 600, Map.of()), false,
                Phases.ALL, null);
        String key = run.runId() + "/" + target.id();
        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
                KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
            backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
            await().atMost(Duration.ofMinutes(4)).until(() -> startedJob() != null);

            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
            first.waitFor();
            Process second = start(stack, "k8s-second", port, instanceId);
            awaitReady(second, port, "k8s-second");
            // The Job ran on while the runner was down; the Job controller reports it now.
            cluster.finishJob("rules", startedJob().getMetadata().getName(), JobEnd.COMPLETE, 0,
                    "rule-engine 5.17.0: 3 rules fixed\n");

            List<ConsumerRecord<String, byte[]>> outcomes = patches.awaitKey(key, 1);
            PatchApplied applied = Records.CODEC.decode(outcomes.get(0)).as(PatchApplied.class).data();
            assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(applied.details()).containsEntry("executor", "k8s-job")
                    .hasEntrySatisfying("adopted",
                            adopted -> assertThat(adopted).startsWith("outcome of job/prod/rules/"));
            assertThat(applied.outputTail()).endsWith("rule-engine 5.17.0: 3 rules fixed");
            assertThat(cluster.requests()).filteredOn("POST /apis/batch/v1/namespaces/rules/jobs"::equals)
                    .as("Jobs created").hasSize(1);
            assertThat(cluster.jobs("rules")).hasSize(1);
            assertThat(patches.keyAfter(key, Duration.ofSeconds(3)).stream()
                    .map(r -> new String(r.headers().lastHeader("ce_id").value())).distinct()).hasSize(1);
        }
    }

    private Job startedJob() {
        return cluster.jobs("rules").stream().filter(j -> Boolean.FALSE.equals(j.getSpec().getSuspend())).findFirst()
                .orElse(null);
    }

    private Process start(LocalStack stack, String name, int port, String instanceId) throws IOException {
        Path jar = Path.of(System.getProperty("quarkus-run.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("package the module first (mvn verify)").exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As the launcher starts it: the JVM's defaults cost about half as much CPU again until it is ready.
        command.addAll(ServiceProcess.DEFAULT_JVM_OPTIONS);
        stack.serviceProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        cluster.serviceProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dpatchflow.kubernetes.contexts.prod.namespaces=rules");
        command.add("-Dpatchflow.runner.k8s-job.poll-interval=200ms");
        command.add("-Dpatchflow.runner.instance-id=" + instanceId);
        command.add("-Dpatchflow.runner.poll-interval=200ms");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(jar.toString());
        Path log = Path.of("target", "packaged-runner-" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        services.add(process);
        return process;
    }

    private static void awaitReady(Process service, int port, String name) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(service.isAlive()).as("runner exited, see target/packaged-runner-" + name + ".log").isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
