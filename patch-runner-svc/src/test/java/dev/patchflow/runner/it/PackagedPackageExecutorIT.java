package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.localstack.ServiceProcess;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.pkg.create.CreateRequest;
import dev.patchflow.pkg.create.CreateResult;
import dev.patchflow.pkg.create.PackageCreator;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.runner.support.Catalog;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.PackageFixtures;
import dev.patchflow.runner.support.PackageFixtures.Release;
import dev.patchflow.runner.support.PackagedRunners;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The {@code package} executor in the packaged service. A 200 MB package applied by a runner with the
 * launcher's heap (-Xmx384m). Crash safety: the runner ({@code java -jar
 * quarkus-run.jar}, as the launcher starts it) is parked mid-apply by the test-only hook
 * ({@code patchflow.runner.package.test-only-pause-at}), killed with SIGKILL, and started again without the
 * hook. At start it recovers the install before dispatching anything — fully old (ROLLED_BACK) or fully new
 * (COMPLETED) — and the target's event says which.
 */
class PackagedPackageExecutorIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension();

    @TempDir
    Path dir;

    @RegisterExtension
    final PackagedRunners runners = new PackagedRunners();
    private Path keysDir;
    private Path workDir;
    private Path signal;

    @BeforeEach
    void keys() throws IOException {
        keysDir = Files.createDirectories(dir.resolve("keys"));
        Ed25519Keys.writeKeyPair(keysDir, "catalog");
        workDir = dir.resolve("package-work");
        signal = dir.resolve("parked");
    }

    @Test
    void aRunnerKilledBeforeTheCommitIsRolledBackAtRestartThenAppliedAndTheEventSaysRolledBack() throws Exception {
        Crash crash = crashMidApply("step:1", "pkg-rb");

        // The restarted runner recovered before dispatching: the install is the old tree, whole.
        assertThat(PackageFixtures.content(crash.install())).isEqualTo(crash.fromContent());

        PatchApplied applied = crash.awaitOutcome();
        assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(applied.details()).containsEntry("recovery", "ROLLED_BACK")
                .containsEntry("strategy", "PatchUpgrade")
                .containsEntry("fromVersion", "1.0.0")
                .containsEntry("toVersion", "1.1.0");
        assertThat(PackageFixtures.content(crash.install())).isEqualTo(crash.toContent());
    }

    @Test
    void aRunnerKilledAfterTheCommitIsCompletedAtRestartAndTheEventSaysCompleted() throws Exception {
        Crash crash = crashMidApply("commit", "pkg-co");

        // The apply had committed: the restarted runner finished it, the install is the new tree, whole.
        assertThat(PackageFixtures.content(crash.install())).isEqualTo(crash.toContent());

        PatchApplied applied = crash.awaitOutcome();
        assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(applied.details()).containsEntry("recovery", "COMPLETED")
                .containsEntry("strategy", "NoUpgrade")
                .containsEntry("fromVersion", "1.1.0")
                .containsEntry("toVersion", "1.1.0");
        assertThat(PackageFixtures.content(crash.install())).isEqualTo(crash.toContent());
    }

    @Test
    void aTwoHundredMegabytePackageIsAppliedByARunnerWithTheLaunchersHeap() throws Exception {
        // Issue #7, finding 2: with the launcher's -Xmx384m, verifying a 200 MB package held it in the JDK's
        // Ed25519, threw OutOfMemoryError on the worker, and the run stayed at "patched 0" forever.
        LocalStack stack = localStack.stack();
        Path from = dir.resolve("big/tree-1.0.0");
        Path to = dir.resolve("big/tree-1.1.0");
        PackageFixtures.writeFromTree(from);
        PackageFixtures.writeToTree(to);
        Path blob = Files.createDirectories(to.resolve("data")).resolve("blob.bin");
        writeIncompressible(blob, 200L << 20);
        Path out = dir.resolve("big/out");
        CreateResult created = PackageCreator.create(new CreateRequest(from, to, PackageFixtures.TO,
                PackageFixtures.ARCH, Ed25519Keys.readPrivateKey(keysDir.resolve("catalog.key.pem")), out,
                out.resolve("manifest.json"), false, null, "200 MB release", LocalDate.of(2026, 11, 20)));
        assertThat(Files.size(created.patchFile())).isGreaterThan(200L << 20);
        String prefix = "releases/" + UUID.randomUUID();
        Catalog catalog = new Catalog(stack);
        catalog.upload(prefix + "/" + created.patchFile().getFileName(), created.patchFile());
        catalog.upload(prefix + "/manifest.json", out.resolve("manifest.json"));
        Path install = PackageFixtures.install(dir.resolve("fleet/pkg-big"));
        PatchSpec patch = new PatchSpec("app-" + UUID.randomUUID(), PackageFixtures.TO, "package", null, 600,
                Map.of("manifest", "s3://" + Catalog.BUCKET + "/" + prefix + "/manifest.json"));
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(), patch, false, Phases.ALL, null);
        Target target = Fixtures.directoryTarget("pkg-big", install.toString());

        ServiceProcess runner = start(stack, "big", null, ServiceProcess.jvmOptionsOf("patch-runner-svc"));
        try (KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
            try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS)) {
                backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
            }
            // Downloading, hashing, inspecting, extracting and applying 200 MB takes a while on a shared machine.
            ConsumerRecord<String, byte[]> outcome = await().atMost(Duration.ofMinutes(8))
                    .ignoreExceptions()
                    .until(() -> patches.awaitKey(run.runId() + "/pkg-big", 1), records -> !records.isEmpty())
                    .get(0);
            PatchApplied applied = Records.CODEC.decode(outcome).as(PatchApplied.class).data();
            assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(applied.details()).containsEntry("strategy", "PatchUpgrade")
                    .containsEntry("downloadBytes", String.valueOf(Files.size(created.patchFile())));
        }
        assertThat(runner.isAlive()).isTrue();
        assertThat(Files.readString(install.resolve("VERSION")).trim()).isEqualTo(PackageFixtures.TO);
        assertThat(Files.mismatch(install.resolve("data/blob.bin"), blob)).isEqualTo(-1);
        assertThat(Files.readString(runner.logFile())).doesNotContain("OutOfMemoryError");
    }

    private static void writeIncompressible(Path file, long size) throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        byte[] buf = new byte[1 << 16];
        try (java.io.OutputStream os = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long r = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buf[i + b] = (byte) (r >>> (8 * b));
                    }
                }
                os.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }

    /** A runner parked at {@code pauseAt}, killed with SIGKILL, and a second one started and ready. */
    private Crash crashMidApply(String pauseAt, String targetId) throws Exception {
        LocalStack stack = localStack.stack();
        Release release = PackageFixtures.release(dir.resolve("build"),
                Ed25519Keys.readPrivateKey(keysDir.resolve("catalog.key.pem")), dir.resolve("out"));
        String manifest = new Catalog(stack).publish(release, "releases/" + UUID.randomUUID());
        Path install = PackageFixtures.install(dir.resolve("fleet").resolve(targetId));
        Map<String, String> fromContent = PackageFixtures.content(install);
        Map<String, String> toContent = PackageFixtures.content(dir.resolve("build/tree-1.1.0"));
        // Lease = 20 s timeout + 1 s grace: the restarted runner recovers at start (about 5 s after the kill), well
        // before the lease expires and the target is executed again, so the test sees the recovered tree first.
        // The wait for the lease is most of this test's time.
        PatchSpec patch = new PatchSpec("app-" + UUID.randomUUID(), PackageFixtures.TO, "package", null, 20,
                Map.of("manifest", manifest));
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(), patch, false, Phases.ALL, null);
        Target target = Fixtures.directoryTarget(targetId, install.toString());

        ServiceProcess first = start(stack, "first-" + targetId, pauseAt);
        KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES);
        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS)) {
            backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(signal));
        if (!pauseAt.equals("commit")) {
            // Parked mid-apply: the tree is neither the old nor the new one.
            assertThat(PackageFixtures.content(install)).isNotEqualTo(fromContent).isNotEqualTo(toContent);
        }

        first.kill(); // SIGKILL: no shutdown hook, no rollback in the dying process
        Files.delete(signal);
        ServiceProcess second = start(stack, "second-" + targetId, null);
        return new Crash(install, fromContent, toContent, patches, run.runId() + "/" + targetId);
    }

    /** What a test checks after the restart. */
    private record Crash(Path install, Map<String, String> fromContent, Map<String, String> toContent,
            KafkaProbe patches, String key) {

        PatchApplied awaitOutcome() {
            try (patches) {
                List<ConsumerRecord<String, byte[]>> outcomes = patches.awaitKey(key, 1);
                // At-least-once: with this test's 1 s lease grace, the restarted runner's sweep may re-send a
                // recorded outcome whose first acknowledgement was slow. A re-send is the same fact with the
                // same event id (downstream drops it); a second, different outcome would be the bug.
                assertThat(Records.eventIds(patches.keyAfter(key, Duration.ofSeconds(2))))
                        .containsOnly(Records.CODEC.decode(outcomes.get(0)).id());
                return Records.CODEC.decode(outcomes.get(0)).as(PatchApplied.class).data();
            }
        }
    }

    private ServiceProcess start(LocalStack stack, String name, String pauseAt)
            throws IOException, InterruptedException {
        return start(stack, name, pauseAt, ServiceProcess.jvmOptionsOf("patch-runner-svc"));
    }

    /** @param jvmOptions e.g. the launcher's ({@link ServiceProcess#jvmOptionsOf}: its heap, quick start) */
    private ServiceProcess start(LocalStack stack, String name, String pauseAt, List<String> jvmOptions)
            throws IOException, InterruptedException {
        Map<String, String> properties = PackagedRunners.withQuickLeases(stack);
        properties.put("patchflow.runner.package.trusted-keys-dir", keysDir.toString());
        properties.put("patchflow.runner.package.work-dir", workDir.toString());
        if (pauseAt != null) {
            properties.put("patchflow.runner.package.test-only-pause-at", pauseAt);
            properties.put("patchflow.runner.package.test-only-pause-signal", signal.toString());
        }
        return runners.start(ServiceProcess.forTest("patch-runner-svc", "packaged-package-runner-" + name, properties)
                .withJvmOptions(jvmOptions), Duration.ofSeconds(120));
    }
}
