package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.aws.testing.AwsStub;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.localstack.ServiceProcess;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.PackagedRunners;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.AwsTarget;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * The packaged service started the way the launcher starts it ({@code java -jar quarkus-run.jar} with {@code -D}
 * properties from {@link LocalStack#serviceProperties()} and {@code -Dquarkus.http.port}), including a crash in the
 * middle of a patch and in the middle of a run: children that outlive the runner are adopted, never run twice.
 */
class PackagedRunnerIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension();

    @TempDir
    Path dir;

    @RegisterExtension
    final PackagedRunners runners = new PackagedRunners();

    @Test
    void aRunnerKilledInTheMiddleOfAPatchAdoptsTheStillRunningChildAfterRestartAndReportsItOnce() throws Exception {
        LocalStack stack = localStack.stack();
        // No instance id: the restarted runner is another instance and adopts the target once its lease expired.
        ServiceProcess first = start(stack, "first", Map.of());

        Path install = Files.createDirectories(dir.resolve("fleet/app-01"));
        Path invocations = dir.resolve("invocations.log");
        Path marker = dir.resolve("first-attempt-started");
        // Takes long enough to outlive the runner; a second execution would say "resumed".
        String script = "echo attempt >> '" + invocations + "'; if [ -f '" + marker + "' ]; then echo resumed; "
                + "else touch '" + marker + "'; sleep 4; echo first-attempt-finished; fi";
        PatchSpec patch = new PatchSpec("demo-app", "2.0.0", "process", List.of("sh", "-c", script), 10, Map.of());
        RunContext run = Fixtures.run("packaged-run", patch, false, Phases.ALL, null);
        Target target = Fixtures.directoryTarget("app-01", install.toString());

        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
                KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
            backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker));

            first.kill();
            ServiceProcess second = start(stack, "second", Map.of());

            List<ConsumerRecord<String, byte[]>> outcomes = patches.awaitKey("packaged-run/app-01", 1);
            PatchApplied applied = Records.CODEC.decode(outcomes.get(0)).as(PatchApplied.class).data();
            assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(applied.outputTail()).isEqualTo("first-attempt-finished");
            assertThat(applied.details()).containsKey("adopted");
            assertThat(Files.readAllLines(invocations)).containsExactly("attempt");
            // Reported once: one outcome event. The restarted consumer re-reads the backup record the killed one had
            // not committed, and a redelivery re-sends a recorded outcome with the same event id (at-least-once on
            // the wire, downstream drops it); with a 10 s session timeout that redelivery can land in this window.
            assertThat(Records.eventIds(patches.keyAfter("packaged-run/app-01", Duration.ofSeconds(3))))
                    .containsOnly(Records.CODEC.decode(outcomes.get(0)).id());
            assertThat(second.isAlive()).isTrue();
        }
    }

    @Test
    void aRunnerKilledMidRunAndRestartedCompletesTheRunWithEveryPatchExecutedExactlyOnce() throws Exception {
        LocalStack stack = localStack.stack();
        String instanceId = "runner-it-" + System.nanoTime();
        ServiceProcess first = start(stack, "mid-run-first", Map.of("patchflow.runner.instance-id", instanceId));

        Path invocations = Files.createDirectories(dir.resolve("invocations"));
        // The executor's own record: one line per execution, in a file per target.
        String script = "echo \"$PATCHFLOW_RUN_ID\" >> '" + invocations + "'/\"$PATCHFLOW_TARGET_ID\"; sleep 2; "
                + "echo patched \"$PATCHFLOW_TARGET_ID\"";
        PatchSpec patch = new PatchSpec("demo-app", "3.0.0", "process", List.of("sh", "-c", script), 60, Map.of());
        RunContext run = Fixtures.run("mid-run", patch, false, Phases.ALL, "4");
        List<String> targetIds = IntStream.rangeClosed(1, 8).mapToObj(i -> "node-0" + i).toList();

        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
                KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
            for (String id : targetIds) {
                backups.send(Records.producerRecord("/patchflow/backup-svc",
                        Fixtures.backupCompleted(run, Fixtures.staticTarget(id))));
            }
            // Mid-run: patches are executing (their first line is written) and at most half the fleet started.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> invocationFiles(invocations) >= 2);
            first.kill();
            assertThat(invocationFiles(invocations)).as("killed mid-run").isLessThan(targetIds.size());

            ServiceProcess second = start(stack, "mid-run-second", Map.of("patchflow.runner.instance-id", instanceId));

            List<PatchApplied> outcomes = new ArrayList<>();
            for (String id : targetIds) {
                List<ConsumerRecord<String, byte[]>> records = patches.awaitKey("mid-run/" + id, 1);
                // At-least-once on the wire: a re-sent outcome carries the same event id, downstream dedups it.
                assertThat(records.stream().map(r -> new String(r.headers().lastHeader("ce_id").value())).distinct())
                        .as("outcome events of %s", id).hasSize(1);
                PatchApplied applied = Records.CODEC.decode(records.get(0)).as(PatchApplied.class).data();
                assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
                assertThat(applied.outputTail()).isEqualTo("patched " + id);
                outcomes.add(applied);
                assertThat(Files.readAllLines(invocations.resolve(id))).as("executions of %s", id)
                        .containsExactly("mid-run");
            }
            assertThat(outcomes).as("children that outlived the killed runner were adopted")
                    .anySatisfy(a -> assertThat(a.details()).containsKey("adopted"));
            // Later deliveries (the restarted consumer re-reads backups the killed one had not committed) only
            // re-send the recorded outcome: still one event id.
            assertThat(patches.keyAfter("mid-run/node-01", Duration.ofSeconds(3)).stream()
                    .map(r -> new String(r.headers().lastHeader("ce_id").value())).distinct()).hasSize(1);
            assertThat(second.isAlive()).isTrue();
        }
    }

    /**
     * Issue #9: the {@code ssm} executor records the command id before it waits, so a runner killed ({@code kill -9})
     * while the command is still {@code InProgress} on the instance and restarted (same instance id) adopts that
     * command: it polls
     * the same command id, reports its outcome once, and the stand-in saw exactly one SendCommand.
     */
    @Test
    void aRunnerKilledWhileAnSsmCommandRunsAdoptsTheCommandOnRestartAndNeverSendsASecond() throws Exception {
        LocalStack stack = localStack.stack();
        String zoneKey = "ASIAKILLTEST";
        String instanceId = "i-0a1b2c3d4e5f60901";
        String commandId = "11111111-2222-3333-4444-555555555555";
        try (AwsStub aws = AwsStub.start()) {
            aws.assumeRole(AwsStub.ZONE_ROLE, zoneKey, Instant.now().plusSeconds(3600));
            // The command stays InProgress until the test says otherwise.
            aws.command(zoneKey, instanceId, commandId, "InProgress");
            Path zones = AwsStub.writeOneZone(dir);
            Map<String, String> awsProperties = new HashMap<>(aws.serviceProperties(zones));
            // Restarted as the same runner (same instance id): it takes back its RUNNING targets at start, without
            // waiting for the lease (the patch's 10-minute timeout) to expire.
            awsProperties.put("patchflow.runner.instance-id", "runner-ssm-" + System.nanoTime());
            awsProperties.put("patchflow.runner.ssm.poll-interval", "200ms");
            awsProperties.put("patchflow.aws.max-attempts", "2");
            ServiceProcess first = start(stack, "ssm-first", awsProperties);

            PatchSpec patch = new PatchSpec("AWS-RunPatchBaseline", "2026-11", "ssm", List.of(), 600, Map.of());
            RunContext run = new RunContext("ssm-kill", Instant.parse("2026-11-20T09:00:00Z"), "alice", patch,
                    new TargetSelector("aws-ec2", null, "nonprod", List.of("lz250nonprod"), Map.of()),
                    new RunOptions(false, Phases.ALL, null, List.of(), AwsOptions.DEFAULTS));
            Target target = new Target(instanceId, "web", Target.KIND_AWS_EC2, "nonprod", "lz250nonprod", Map.of(),
                    "10.0.0.1", "linux", "x86_64", "running", null, null, null, null,
                    new AwsTarget("250000000001", "eu-west-1", "eu-west-1a", instanceId, "t3.micro", "Online", null,
                            null),
                    null, null);

            try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
                    KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
                backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
                // The command was sent and is being polled: its id is recorded.
                await().atMost(Duration.ofSeconds(90)).until(() -> aws.ssmCalls("GetCommandInvocation") >= 2);
                assertThat(aws.ssmCalls("SendCommand")).isEqualTo(1);

                first.kill();
                int pollsBeforeRestart = aws.ssmCalls("GetCommandInvocation");
                ServiceProcess second = start(stack, "ssm-second", awsProperties);
                // The restarted runner polls the same command (adoption) ...
                await().atMost(Duration.ofSeconds(90))
                        .until(() -> aws.ssmCalls("GetCommandInvocation") > pollsBeforeRestart);
                assertThat(patches.keyAfter("ssm-kill/" + instanceId, Duration.ofSeconds(1))).isEmpty();
                // ... until the instance finishes it.
                aws.commandNowIs(commandId, instanceId, "Success");

                List<ConsumerRecord<String, byte[]>> outcomes = patches.awaitKey("ssm-kill/" + instanceId, 1);
                PatchApplied applied = Records.CODEC.decode(outcomes.get(0)).as(PatchApplied.class).data();
                assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
                assertThat(applied.details()).containsEntry("commandId", commandId);
                assertThat(aws.ssmCalls("SendCommand")).as("SendCommand calls the stand-in saw").isEqualTo(1);
                assertThat(aws.ssmBodies("GetCommandInvocation")).allSatisfy(b -> assertThat(b).contains(commandId));
                assertThat(patches.keyAfter("ssm-kill/" + instanceId, Duration.ofSeconds(3)).stream()
                        .map(r -> new String(r.headers().lastHeader("ce_id").value())).distinct()).hasSize(1);
                assertThat(second.isAlive()).isTrue();
            }
        }
    }

    private static long invocationFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private ServiceProcess start(LocalStack stack, String name, Map<String, String> extraProperties)
            throws IOException, InterruptedException {
        Map<String, String> properties = PackagedRunners.withQuickLeases(stack);
        properties.putAll(extraProperties);
        return runners.start("packaged-runner-" + name, properties);
    }
}
