package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
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
import dev.patchflow.runner.support.PackagedRunners;
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

    @RegisterExtension
    final PackagedRunners runners = new PackagedRunners();

    private EmbeddedKubernetes cluster;

    @AfterEach
    void stop() {
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
        ServiceProcess first = start(stack, instanceId);

        Target target = KubernetesFixtures.deployment("prod", "rules", "rule-engine");
        RunContext run = Fixtures.run("k8s-kill-run", KubernetesFixtures.patch("5.17.0", 600, Map.of()), false,
                Phases.ALL, null);
        String key = run.runId() + "/" + target.id();
        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
                KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
            backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
            await().atMost(Duration.ofMinutes(4)).until(() -> startedJob() != null);

            first.kill();
            runners.start(first.sameAgain(), Duration.ofMinutes(4));
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

    /** The packaged runner as the launcher starts it, with this cluster and short polls. */
    private ServiceProcess start(LocalStack stack, String instanceId) throws IOException, InterruptedException {
        Map<String, String> properties = new HashMap<>(stack.serviceProperties());
        properties.putAll(cluster.serviceProperties());
        properties.put("patchflow.kubernetes.contexts.prod.namespaces", "rules");
        properties.put("patchflow.runner.k8s-job.poll-interval", "200ms");
        properties.put("patchflow.runner.instance-id", instanceId);
        properties.put("patchflow.runner.poll-interval", "200ms");
        return runners.start(ServiceProcess.forTest("patch-runner-svc", "packaged-runner-k8s", properties),
                Duration.ofMinutes(4));
    }
}
