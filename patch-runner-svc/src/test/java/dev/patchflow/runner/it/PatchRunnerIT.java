package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackTestResource;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The runner on the real servers (KRaft Kafka, MongoDB wire server, S3): records in and out over the wire with
 * CloudEvents headers and keys, the real process executor, output in S3, ledger and redelivery, dead letters.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class PatchRunnerIT {

    private static final String BACKUP_SVC = "/patchflow/backup-svc";
    private static final EventCodec CODEC = Records.CODEC;

    @TempDir
    Path dir;

    private LocalStack stack;
    private KafkaProbe backups;
    private KafkaProbe patches;
    private Path invocations;

    @BeforeEach
    void probes() {
        stack = LocalStackTestResource.current();
        backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
        patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES);
        invocations = dir.resolve("invocations.log");
    }

    @AfterEach
    void close() {
        backups.close();
        patches.close();
    }

    /** A patch whose command leaves one line per invocation in {@link #invocations}, then prints a result. */
    private PatchSpec countingPatch(String extraScript) {
        String script = "echo \"$PATCHFLOW_RUN_ID $PATCHFLOW_TARGET_ID\" >> '" + invocations + "'; " + extraScript;
        return new PatchSpec("demo-app", "1.1.0-" + UUID.randomUUID(), "process", List.of("sh", "-c", script), 30,
                Map.of());
    }

    private Target install(String id) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("fleet").resolve(id));
        Files.writeString(folder.resolve("VERSION"), "1.0.0\n");
        return Fixtures.directoryTarget(id, folder.toString());
    }

    private void backupCompleted(RunContext run, Target target) {
        backups.send(Records.producerRecord(BACKUP_SVC, Fixtures.backupCompleted(run, target)));
    }

    private CloudEvent<?> awaitOutcome(RunContext run, Target target) {
        ConsumerRecord<String, byte[]> record = patches.awaitKey(run.runId() + "/" + target.id(), 1).get(0);
        CloudEvent<?> event = CODEC.decode(record);
        assertThat(event.source()).isEqualTo("/patchflow/patch-runner-svc");
        return event;
    }

    private List<String> invocationLines() throws Exception {
        return Files.exists(invocations) ? Files.readAllLines(invocations) : List.of();
    }

    private String s3Object(String key) throws Exception {
        MinioClient minio = MinioClient.builder()
                .endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region())
                .build();
        try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(stack.s3Bucket()).object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBackedUpTargetIsPatchedInItsInstallFolderAndItsOutputStoredInS3() throws Exception {
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(),
                countingPatch("echo \"patched $PATCHFLOW_TARGET_ID in $(pwd)\""), false, Phases.ALL, null);
        Target target = install("app-01");

        backupCompleted(run, target);

        CloudEvent<?> event = awaitOutcome(run, target);
        assertThat(event.type().ceType()).isEqualTo("dev.patchflow.PatchApplied");
        assertThat(event.key()).isEqualTo(run.runId() + "/app-01");
        PatchApplied applied = event.as(PatchApplied.class).data();
        String expectedOutput = "patched app-01 in " + Path.of(target.installPath()).toRealPath();
        assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(applied.exitCode()).isZero();
        assertThat(applied.outputTail()).isEqualTo(expectedOutput);
        assertThat(applied.outputLocation()).isEqualTo("s3://patchflow/logs/" + run.runId() + "/app-01.log");
        assertThat(applied.details()).containsEntry("executor", "process");
        assertThat(s3Object("logs/" + run.runId() + "/app-01.log")).isEqualTo(expectedOutput + "\n");
        assertThat(invocationLines()).containsExactly(run.runId() + " app-01");
    }

    @Test
    void aSecondRunOfTheSamePatchVersionFindsItAlreadyAppliedAndDoesNotRunTheCommand() throws Exception {
        PatchSpec patch = countingPatch("echo done");
        RunContext first = Fixtures.run("run-" + UUID.randomUUID(), patch, false, Phases.ALL, null);
        RunContext second = Fixtures.run("run-" + UUID.randomUUID(), patch, false, Phases.ALL, null);
        Target target = install("app-02");
        backupCompleted(first, target);
        assertThat(awaitOutcome(first, target).as(PatchApplied.class).data().status()).isEqualTo(PatchStatus.APPLIED);

        backupCompleted(second, target);

        PatchApplied again = awaitOutcome(second, target).as(PatchApplied.class).data();
        assertThat(again.status()).isEqualTo(PatchStatus.ALREADY_APPLIED);
        assertThat(again.details()).containsEntry("appliedByRun", first.runId());
        assertThat(invocationLines()).containsExactly(first.runId() + " app-02");
    }

    @Test
    void aTargetWhoseBackupFailedFailsWithTheBackupReasonAndTheCommandDoesNotRun() throws Exception {
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(), countingPatch("echo done"), false, Phases.ALL,
                null);
        Target target = install("app-03");

        backups.send(Records.producerRecord(BACKUP_SVC,
                Fixtures.backupFailed(run, target, "install folder is not readable")));

        CloudEvent<?> event = awaitOutcome(run, target);
        assertThat(event.as(PatchFailed.class).data().reason())
                .isEqualTo("not patched: backup failed: install folder is not readable");
        assertThat(invocationLines()).isEmpty();
    }

    @Test
    void aRedeliveredBackupEventReEmitsTheSameEventIdWithoutRunningTheCommandAgain() throws Exception {
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(), countingPatch("echo done"), false, Phases.ALL,
                null);
        Target target = install("app-04");
        backupCompleted(run, target);
        CloudEvent<?> first = awaitOutcome(run, target);

        backupCompleted(run, target);

        List<ConsumerRecord<String, byte[]>> both = patches.awaitKey(run.runId() + "/app-04", 2);
        assertThat(both).hasSize(2);
        assertThat(both).extracting(r -> CODEC.decode(r).id()).containsOnly(first.id());
        assertThat(CODEC.decode(both.get(1)).data()).isEqualTo(first.data());
        assertThat(invocationLines()).containsExactly(run.runId() + " app-04");
    }

    @Test
    void aFailingCommandFailsTheTargetWithItsExitCodeOutputTailAndFullLogInS3() throws Exception {
        String noisy = "i=1; while [ $i -le 25 ]; do echo \"line $i\"; i=$((i+1)); done; echo 'error: disk full' >&2; "
                + "exit 3";
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(), countingPatch(noisy), false, Phases.ALL, null);
        Target target = install("app-05");

        backupCompleted(run, target);

        PatchFailed failed = awaitOutcome(run, target).as(PatchFailed.class).data();
        assertThat(failed.reason()).isEqualTo("patch command exited with 3");
        assertThat(failed.exitCode()).isEqualTo(3);
        List<String> tail = List.of(failed.outputTail().split("\n"));
        assertThat(tail).hasSize(20).startsWith("line 7").endsWith("line 25", "error: disk full");
        String log = s3Object("logs/" + run.runId() + "/app-05.log");
        assertThat(log).isEqualTo(IntStream.rangeClosed(1, 25).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n", "", "\n")) + "error: disk full\n");
    }

    @Test
    void aMalformedRecordGoesToTheDeadLetterTopicWithItsReason() {
        String key = "run-" + UUID.randomUUID() + "/app-06";
        Map<String, String> headers = Map.of(CloudEventHeaders.ID, UUID.randomUUID().toString(),
                CloudEventHeaders.SOURCE, BACKUP_SVC, CloudEventHeaders.TYPE, "dev.patchflow.BackupCompleted",
                CloudEventHeaders.SPEC_VERSION, "1.0");
        ConsumerRecord<String, byte[]> raw = Records.rawConsumerRecord(Topics.BACKUPS, key, headers, "{not json");
        backups.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.BACKUPS, null, key, raw.value(),
                raw.headers()));

        try (KafkaProbe deadLetters = new KafkaProbe(stack.kafkaBootstrapServers(),
                Topics.deadLetter(Topics.BACKUPS))) {
            ConsumerRecord<String, byte[]> dead = deadLetters.awaitKey(key, 1).get(0);
            String reason = EventCodec.headerMap(dead.headers()).get(CloudEventHeaders.DEAD_LETTER_REASON);
            assertThat(reason).startsWith("BackupCompleted: body is not JSON");
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        }
        assertThat(patches.keyAfter(key, Duration.ofSeconds(2))).isEmpty();
    }
}
