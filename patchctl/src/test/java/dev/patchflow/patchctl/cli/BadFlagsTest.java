package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input ends with exit code 2 and a message naming the flag, before anything is sent: the
 * bootstrap address points nowhere, so reaching Kafka would show up as exit 1 instead.
 */
class BadFlagsTest {

    @TempDir
    Path dir;
    Path fleet;

    @BeforeEach
    void fleet() throws IOException {
        fleet = Files.createDirectories(dir.resolve("fleet"));
    }

    private CliRun request(String... flags) {
        List<String> args = new ArrayList<>(List.of("request", "--bootstrap-servers", "127.0.0.1:9",
                "--kafka-timeout", "1s", "--inventory", fleet.toString(), "--patch-id", "demo-app", "--patch-version",
                "1.1.0"));
        args.addAll(List.of(flags));
        return CliRun.of(args);
    }

    private static void assertUsageError(CliRun run, String... mentions) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(mentions);
        assertThat(run.out()).as("nothing published, so no run id").isEmpty();
    }

    @Test
    void rejectsAMaxConcurrencyThatIsNeitherANumberNorAPercentage() {
        assertUsageError(request("--command", "true", "--max-concurrency", "0%"), "--max-concurrency",
                "maxConcurrency");
        assertUsageError(request("--command", "true", "--max-concurrency", "half"), "--max-concurrency");
    }

    @Test
    void rejectsARunIdThatWouldBreakStorageKeys() {
        assertUsageError(request("--command", "true", "--run-id", "../etc"), "--run-id", "$.runId");
    }

    @Test
    void rejectsANonPositiveTimeout() {
        assertUsageError(request("--command", "true", "--timeout-seconds", "0"), "--timeout-seconds");
    }

    @Test
    void rejectsANonNumericTimeout() {
        assertUsageError(request("--command", "true", "--timeout-seconds", "soon"), "--timeout-seconds");
    }

    @Test
    void namesTheMissingRequiredFlags() {
        CliRun run = CliRun.of("request", "--patch-id", "demo-app");

        assertUsageError(run, "--inventory", "--patch-version");
    }

    @Test
    void requiresACommandForTheProcessExecutor() {
        assertUsageError(request(), "--command");
    }

    @Test
    void refusesCommandAndArgTogether() {
        assertUsageError(request("--command", "true", "--arg", "false"), "--command", "--arg");
    }

    @Test
    void refusesAnUnknownCheckType() {
        assertUsageError(request("--command", "true", "--check", "ping"), "--check ping");
    }

    @Test
    void refusesAnHttpCheckThatIsNotAUrl() {
        assertUsageError(request("--command", "true", "--check-http", "localhost:8080"), "--check-http");
    }

    @Test
    void refusesALabelWithoutValue() {
        assertUsageError(request("--command", "true", "--label", "team"), "--label");
    }

    @Test
    void refusesScannerOnlyWithAPhaseTurnedOn() {
        assertUsageError(request("--scanner-only", "--patch"), "--scanner-only");
    }

    @Test
    void refusesAFileForTheDirectoryProvider() throws IOException {
        Path file = Files.writeString(dir.resolve("inventory.yaml"), "targets: []");
        CliRun run = CliRun.of("request", "--inventory", file.toString(), "--provider", "directory", "--patch-id",
                "p", "--patch-version", "1", "--command", "true");

        assertUsageError(run, "--provider directory", file.toString());
    }

    @Test
    void refusesAnInventoryThatDoesNotExistWhenTheProviderMustBeGuessed() {
        CliRun run = CliRun.of("request", "--inventory", dir.resolve("nope").toString(), "--patch-id", "p",
                "--patch-version", "1", "--command", "true");

        assertUsageError(run, "--inventory", "nope");
    }

    @Test
    void refusesAMissingConfigFile() {
        assertUsageError(request("--command", "true", "--config", dir.resolve("missing.yml").toString()),
                "--config", "missing.yml");
    }

    @Test
    void refusesAConfigFileThatIsNotYaml() throws IOException {
        Path config = Files.writeString(dir.resolve("bad.yml"), "workflow: [unclosed\n");

        assertUsageError(request("--command", "true", "--config", config.toString()), "--config", "not valid YAML");
    }

    @Test
    void refusesAConfigFileWithAnUnknownCheckType() throws IOException {
        Path config = Files.writeString(dir.resolve("checks.yml"), "checks:\n  - {type: ping}\n");

        assertUsageError(request("--command", "true", "--config", config.toString()), "checks");
    }

    @Test
    void refusesAConfigFileThatTurnsTheScanOff() throws IOException {
        Path config = Files.writeString(dir.resolve("noscan.yml"),
                "workflow:\n  phases:\n    scanner: {enabled: false}\n");

        assertUsageError(request("--command", "true", "--config", config.toString()), "scanner.enabled");
    }

    @Test
    void refusesABadFollowTimeout() {
        assertUsageError(request("--command", "true", "--follow-timeout", "forever"), "--follow-timeout");
    }

    @Test
    void suggestsTheFlagForATypo() {
        assertUsageError(request("--command", "true", "--dryrun"), "--dryrun", "--dry-run");
    }

    @Test
    void withoutACommandPrintsUsageAndFails() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("request", "runs", "report");
    }

    @Test
    void refusesPackageManifestWithAnotherExecutorOrACommand() {
        assertUsageError(request("--package-manifest", "s3://b/m.json", "--executor", "process"),
                "--package-manifest", "--executor process");
        assertUsageError(request("--package-manifest", "s3://b/m.json", "--command", "true"), "--package-manifest",
                "--command");
        assertUsageError(request("--package-manifest", "s3://b/m.json", "--param", "manifest=s3://b/other.json"),
                "--package-manifest", "--param manifest=s3://b/other.json");
    }

    @Test
    void refusesPackageFlagsWithoutThePackageExecutor() {
        assertUsageError(request("--command", "true", "--force-full"), "--force-full", "--package-manifest");
        assertUsageError(request("--command", "true", "--allow-unsigned"), "--allow-unsigned");
        assertUsageError(request("--executor", "package"), "--package-manifest");
    }

    @Test
    void refusesAPackageManifestTheRunnerCannotFetch() throws IOException {
        Path local = Files.writeString(dir.resolve("manifest.json"), "{}");
        assertUsageError(request("--package-manifest", local.toString()), "--package-manifest", "manifest.json",
                "patchctl package publish");
        assertUsageError(request("--package-manifest", local.toUri().toString()), "--package-manifest", "file:");
        assertUsageError(request("--package-manifest", "ftp://host/m.json"), "--package-manifest", "s3://");
        assertUsageError(request("--package-manifest", "s3://patchflow-catalog/"), "--package-manifest",
                "names no object");
    }
}
