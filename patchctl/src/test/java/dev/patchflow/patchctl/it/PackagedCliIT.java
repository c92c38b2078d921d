package dev.patchflow.patchctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.patchctl.cli.ExitCodes;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;

/**
 * The packaged CLI ({@code target/quarkus-app/quarkus-run.jar}) as an operator or the launcher runs
 * it: stdout carries only the answer, the framework stays silent, exit codes hold.
 */
class PackagedCliIT {

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(stack -> stack.mongo(false));

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err, Duration took) {
    }

    private Result patchctl(String... args) throws IOException, InterruptedException {
        return patchctl(Map.of(), args);
    }

    private Result patchctl(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        long started = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("patchctl did not exit within 60s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - started));
    }

    @Test
    void requestPrintsOnlyTheRunIdAndPublishesIt() throws Exception {
        Files.createDirectories(dir.resolve("fleet"));

        Result result = patchctl("request", "--bootstrap-servers", STACK.stack().kafkaBootstrapServers(),
                "--inventory", "fleet", "--patch-id", "demo-app", "--patch-version", "1.1.0", "--command",
                "sh apply.sh", "--run-id", "packaged-1", "--scanner-only");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).isEqualTo("packaged-1\n");
        assertThat(result.err()).as("no banner, no INFO logs").isEmpty();
        PatchRequested request = new EventCodec()
                .decode(KafkaRecords.awaitRecord(STACK.stack().kafkaBootstrapServers(), Topics.REQUESTS,
                        "packaged-1"))
                .as(PatchRequested.class)
                .data();
        assertThat(request.targets().source()).isEqualTo(dir.resolve("fleet").toRealPath().toString());
        assertThat(request.options().phases().scannerOnly()).isTrue();
    }

    @Test
    void verboseLogsTheRequestOnStderrAndKeepsStdoutClean() throws Exception {
        Files.createDirectories(dir.resolve("fleet"));

        Result result = patchctl("request", "--verbose", "--bootstrap-servers",
                STACK.stack().kafkaBootstrapServers(), "--inventory", "fleet", "--patch-id", "demo-app",
                "--patch-version", "1.1.0", "--command", "true", "--run-id", "packaged-2");

        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
        assertThat(result.out()).isEqualTo("packaged-2\n");
        assertThat(result.err()).contains("publishing to patchflow.requests", "\"runId\":\"packaged-2\"");
    }

    @Test
    void missingKafkaExitsUnreachableNamingTheAddressQuickly() throws Exception {
        Files.createDirectories(dir.resolve("fleet"));
        String bootstrap;
        try (ServerSocket socket = new ServerSocket(0)) {
            bootstrap = "127.0.0.1:" + socket.getLocalPort();
        }

        Result result = patchctl("request", "--bootstrap-servers", bootstrap, "--inventory", "fleet",
                "--patch-id", "demo-app", "--patch-version", "1.1.0", "--command", "true");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.err()).isEqualTo("patchctl: Kafka not reachable at " + bootstrap
                + " (no broker answered within 10s)\n");
        assertThat(result.out()).isEmpty();
        assertThat(result.took()).isLessThan(Duration.ofSeconds(25));
    }

    @Test
    void aBadFlagExitsUsageNamingIt() throws Exception {
        Result result = patchctl("request", "--inventory", ".", "--patch-id", "p", "--patch-version", "1",
                "--command", "true", "--max-concurrency", "lots");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--max-concurrency");
    }

    @Test
    void packageCommandsRunFromTheJarAndPublishWithTheS3SettingsFromTheEnvironment() throws Exception {
        Path from = Files.createDirectories(dir.resolve("a/bin"));
        Files.writeString(dir.resolve("a/VERSION"), "1.0.0\n");
        Files.writeString(from.resolve("app"), "old\n");
        Path to = Files.createDirectories(dir.resolve("b/bin"));
        Files.writeString(dir.resolve("b/VERSION"), "1.1.0\n");
        Files.writeString(to.resolve("app"), "new\n");

        Result keygen = patchctl("package", "keygen", "--out", "keys", "--name", "rel");
        assertThat(keygen.exitCode()).as(keygen.err()).isEqualTo(ExitCodes.OK);
        String keyId = keygen.out().lines().reduce((a, b) -> b).orElseThrow();

        Result create = patchctl("package", "create", "--from", "a", "--to", "b", "--version", "1.1.0", "--arch",
                "x86_64", "--key", "keys/rel.key.pem", "--out", "dist");
        assertThat(create.exitCode()).as(create.err()).isEqualTo(ExitCodes.OK);
        assertThat(create.err()).isEmpty();

        Result verify = patchctl("package", "verify", "--manifest", "dist/manifest.json", "--package",
                "dist/patch-1.0.0-1.1.0-x86_64.tar.gz", "--keys", "keys");
        assertThat(verify.exitCode()).as(verify.err()).isEqualTo(ExitCodes.OK);
        assertThat(verify.out()).startsWith("OK ").endsWith(" signed by " + keyId + "\n");
        assertThat(verify.err()).isEmpty();

        LocalStack stack = STACK.stack();
        Result publish = patchctl(
                Map.of("PATCHFLOW_S3_ENDPOINT", stack.s3Endpoint(), "PATCHFLOW_S3_ACCESS_KEY", stack.s3AccessKey(),
                        "PATCHFLOW_S3_SECRET_KEY", stack.s3SecretKey()),
                "package", "publish", "--manifest", "dist/manifest.json", "--catalog",
                "s3://patchflow-catalog/demo-app/1.1.0");
        assertThat(publish.exitCode()).as(publish.err()).isEqualTo(ExitCodes.OK);
        assertThat(publish.out()).endsWith("s3://patchflow-catalog/demo-app/1.1.0/manifest.json\n");
        assertThat(publish.err()).isEmpty();
    }
}
