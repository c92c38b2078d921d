package dev.patchflow.runner.adapters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;

import dev.patchflow.localstack.EmbeddedKubernetes;
import dev.patchflow.localstack.EmbeddedKubernetes.JobEnd;
import dev.patchflow.localstack.EmbeddedKubernetesTestResource;
import dev.patchflow.runner.adapters.s3.MinioOutputStore;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.InMemoryOutputStore;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The {@code k8s-job} executor inside the service, against the Kubernetes API stand-in in CRUD mode; the test is
 * the Deployment and Job controller (it sets their status and conditions) and the kubelet (pods and logs).
 */
@QuarkusTest
@TestProfile(KubernetesProfile.class)
class KubernetesJobComponentTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    InMemoryOutputStore outputs;

    private InMemorySource<Object> backups;
    private InMemorySink<byte[]> patches;
    private EmbeddedKubernetes cluster;
    private String workload;

    @BeforeEach
    void setUp() {
        backups = connector.source(Topics.BACKUPS);
        patches = connector.sink(Topics.PATCHES);
        cluster = EmbeddedKubernetesTestResource.current();
        workload = "rule-engine-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeView() {
        cluster.close();
    }

    private RunContext start(Target target, PatchSpec patch, boolean dryRun) {
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(), patch, dryRun, Phases.ALL, null);
        backups.send(Records.batch("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
        return run;
    }

    private Job awaitStartedJob(String namespace) {
        await().atMost(WAIT).until(() -> startedJob(namespace) != null);
        return startedJob(namespace);
    }

    private Job startedJob(String namespace) {
        return cluster.jobs(namespace).stream()
                .filter(j -> j.getMetadata().getName().contains(workload))
                .filter(j -> Boolean.FALSE.equals(j.getSpec().getSuspend()))
                .findFirst().orElse(null);
    }

    private PatchflowEvent awaitOutcome(RunContext run) {
        await().atMost(WAIT).until(() -> outcome(run) != null);
        return outcome(run);
    }

    private PatchflowEvent outcome(RunContext run) {
        for (Message<byte[]> message : patches.received()) {
            OutgoingKafkaRecordMetadata<?> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class)
                    .orElseThrow();
            if (String.valueOf(metadata.getKey()).startsWith(run.runId() + "/")) {
                return Records.CODEC.decode(EventCodec.headerMap(metadata.getHeaders()), message.getPayload()).data();
            }
        }
        return null;
    }

    private long jobCreations(String namespace) {
        return cluster.requests().stream()
                .filter(r -> r.equals("POST /apis/batch/v1/namespaces/" + namespace + "/jobs"))
                .count();
    }

    @Test
    void completesWhenTheJobSaysCompleteAndKeepsThePodLogs() {
        cluster.createDeployment("rules", workload, Map.of(), "rule-engine:5.16.2", 2);
        cluster.setDeploymentStatus("rules", workload, 2, true);
        Target target = KubernetesFixtures.deployment("test", "rules", workload);
        RunContext run = start(target, KubernetesFixtures.patch("5.17.0", 600, Map.of()), false);

        Job job = awaitStartedJob("rules");
        assertThat(job.getMetadata().getName())
                .isEqualTo(JobNames.of(run.runId(), target.id(), run.patch(), workload))
                .hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        var spec = job.getSpec();
        assertThat(spec.getBackoffLimit()).isEqualTo(2);
        assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(spec.getTtlSecondsAfterFinished()).isEqualTo(3600);
        assertThat(spec.getPodFailurePolicy().getRules()).satisfiesExactly(
                failJob -> {
                    assertThat(failJob.getAction()).isEqualTo("FailJob");
                    assertThat(failJob.getOnExitCodes().getContainerName()).isEqualTo("patch");
                    assertThat(failJob.getOnExitCodes().getValues()).containsExactly(2, 3);
                },
                ignore -> {
                    assertThat(ignore.getAction()).isEqualTo("Ignore");
                    assertThat(ignore.getOnPodConditions().get(0).getType()).isEqualTo("DisruptionTarget");
                });
        var pod = spec.getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getServiceAccountName()).isEqualTo("rule-engine-patch");
        var container = pod.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(KubernetesFixtures.IMAGE);
        assertThat(container.getArgs()).containsExactly("--log-format", "plain");
        assertThat(container.getEnvFrom()).extracting(e -> e.getSecretRef().getName())
                .containsExactly("rule-engine-mongodb", "rule-engine-minio");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/patchflow/rule-engine-vault");
            assertThat(m.getReadOnly()).isTrue();
        });
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("PATCHFLOW_RUN_ID");
            assertThat(e.getValue()).isEqualTo(run.runId());
        });

        cluster.finishJob("rules", job.getMetadata().getName(), JobEnd.COMPLETE, 0,
                "rule-engine 5.17.0: 3 rules fixed\nmarker written\n");

        PatchApplied applied = (PatchApplied) awaitOutcome(run);
        assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(applied.exitCode()).isZero();
        assertThat(applied.details()).containsEntry("executor", "k8s-job")
                .containsEntry("job", "rules/" + job.getMetadata().getName())
                .containsEntry("jobCondition", "Complete");
        assertThat(applied.outputTail()).endsWith("marker written");
        assertThat(outputs.object(MinioOutputStore.key(run.runId(), target.id())))
                .contains("--- pod " + job.getMetadata().getName()).contains("3 rules fixed");
        assertThat(jobCreations("rules")).isEqualTo(1);
    }

    @Test
    void aNonRetriableExitCodeFailsTheTargetWithThatCode() {
        cluster.createDeployment("rules", workload, Map.of(), "rule-engine:5.16.2", 1);
        cluster.setDeploymentStatus("rules", workload, 1, true);
        RunContext run = start(KubernetesFixtures.deployment("test", "rules", workload),
                KubernetesFixtures.patch("5.17.1", 600, Map.of()), false);

        Job job = awaitStartedJob("rules");
        cluster.finishJob("rules", job.getMetadata().getName(), JobEnd.POD_FAILURE_POLICY, 3,
                "rule 17 has no owner: cannot be fixed automatically\n");

        PatchFailed failed = (PatchFailed) awaitOutcome(run);
        assertThat(failed.reason()).startsWith("Job rules/" + job.getMetadata().getName()
                + " failed with non-retriable exit code 3 (podFailurePolicy)");
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.outputTail()).contains("cannot be fixed automatically");
        assertThat(failed.details()).containsEntry("jobCondition", "Failed/PodFailurePolicy");
    }

    @Test
    void aJobPastItsDeadlineFailsTheTargetNamingTheDeadline() {
        cluster.createDeployment("rules", workload, Map.of(), "rule-engine:5.16.2", 1);
        cluster.setDeploymentStatus("rules", workload, 1, true);
        RunContext run = start(KubernetesFixtures.deployment("test", "rules", workload),
                KubernetesFixtures.patch("5.17.2", 120, Map.of()), false);

        Job job = awaitStartedJob("rules");
        cluster.finishJob("rules", job.getMetadata().getName(), JobEnd.DEADLINE_EXCEEDED, null, "still working…\n");

        PatchFailed failed = (PatchFailed) awaitOutcome(run);
        assertThat(failed.reason())
                .isEqualTo("Job rules/" + job.getMetadata().getName() + " exceeded its deadline of 120s "
                        + "(activeDeadlineSeconds)");
        assertThat(failed.details()).containsEntry("jobCondition", "Failed/DeadlineExceeded");
    }

    @Test
    void waitsForAServiceThatBecomesAvailableLateBeforeCreatingTheJob() {
        cluster.createDeployment("apps", workload, Map.of(), "rule-engine:5.16.2", 1);
        cluster.setDeploymentStatus("apps", workload, 0, false);
        RunContext run = start(KubernetesFixtures.deployment("test", "apps", workload),
                KubernetesFixtures.patch("5.17.3", 600, Map.of("serviceWaitSeconds", "120")), false);

        // The service is not up: no Job for a while.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> cluster.jobs("apps").stream()
                        .noneMatch(j -> j.getMetadata().getName().contains(workload)));
        cluster.setDeploymentStatus("apps", workload, 1, true);

        Job job = awaitStartedJob("apps");
        cluster.finishJob("apps", job.getMetadata().getName(), JobEnd.COMPLETE, 0, "done\n");
        assertThat(((PatchApplied) awaitOutcome(run)).status()).isEqualTo(PatchStatus.APPLIED);
    }

    @Test
    void aServiceThatNeverBecomesAvailableFailsWithItsStatusAndNothingIsCreated() {
        cluster.createDeployment("apps", workload, Map.of(), "rule-engine:5.16.2", 2);
        cluster.setDeploymentStatus("apps", workload, 0, false);
        long creationsBefore = jobCreations("apps");
        RunContext run = start(KubernetesFixtures.deployment("test", "apps", workload),
                KubernetesFixtures.patch("5.17.4", 600, Map.of("serviceWaitSeconds", "1")), false);

        PatchFailed failed = (PatchFailed) awaitOutcome(run);
        assertThat(failed.reason()).isEqualTo("not started: the patched service did not become Available within 1s "
                + "(Deployment apps/" + workload + ": 0 of 2 ready, 0 available, Available=False "
                + "(MinimumReplicasUnavailable: Deployment does not have minimum availability.)); no Job was created");
        assertThat(cluster.jobs("apps")).noneMatch(j -> j.getMetadata().getName().contains(workload));
        assertThat(jobCreations("apps")).isEqualTo(creationsBefore);
    }

    @Test
    void aDryRunRunsTheImageWithDryRun() {
        cluster.createDeployment("rules", workload, Map.of(), "rule-engine:5.16.2", 1);
        cluster.setDeploymentStatus("rules", workload, 1, true);
        RunContext run = start(KubernetesFixtures.deployment("test", "rules", workload),
                KubernetesFixtures.patch("5.17.5", 600, Map.of()), true);

        Job job = awaitStartedJob("rules");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("--log-format", "plain", "--dry-run");
        cluster.finishJob("rules", job.getMetadata().getName(), JobEnd.COMPLETE, 0, "DRY RUN: would fix 3 rules\n");
        assertThat(((PatchApplied) awaitOutcome(run)).status()).isEqualTo(PatchStatus.DRY_RUN);
    }

    @Test
    void aNamespacePatchflowDoesNotWorkInIsRefusedBeforeAnythingIsCreated() {
        RunContext run = start(KubernetesFixtures.deployment("test", "kube-system", workload),
                KubernetesFixtures.patch("5.17.6", 600, Map.of()), false);
        PatchFailed failed = (PatchFailed) awaitOutcome(run);
        assertThat(failed.reason()).isEqualTo(
                "namespace 'kube-system' is not one Patchflow works in on context 'test' (configured: apps, rules)");
        assertThat(cluster.jobs("kube-system")).isEmpty();
    }

    @Test
    void aMissingImageIsRefusedNamingTheParameter() {
        Map<String, String> noImage = new java.util.HashMap<>(KubernetesFixtures.patch("x", 60, Map.of()).parameters());
        noImage.remove("image");
        PatchSpec patch = new PatchSpec("rule-engine", "5.17.7", PatchSpec.EXECUTOR_K8S_JOB, List.of(), 60, noImage);
        RunContext run = start(KubernetesFixtures.deployment("test", "rules", workload), patch, false);
        assertThat(((PatchFailed) awaitOutcome(run)).reason())
                .isEqualTo("patch.parameters.image is missing: the k8s-job executor runs a patch image");
    }
}
