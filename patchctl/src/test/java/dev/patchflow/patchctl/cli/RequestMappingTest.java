package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.EventSchemas;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.Phases;

import picocli.CommandLine;

/** Flags (and --config) to the PatchRequested that goes on the wire. */
class RequestMappingTest {

    private static final Instant NOW = Instant.parse("2026-11-20T09:08:07.123456Z");

    @TempDir
    Path dir;
    Path fleet;
    Path inventoryFile;

    @BeforeEach
    void fleet() throws IOException {
        fleet = Files.createDirectories(dir.resolve("fleet"));
        inventoryFile = Files.writeString(dir.resolve("inventory.yaml"), "targets: []\n");
    }

    private PatchRequested request(String... flags) {
        List<String> args = new ArrayList<>(List.of("--patch-id", "demo-app", "--patch-version", "1.1.0"));
        args.addAll(List.of(flags));
        RequestCommand command = new RequestCommand();
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        PatchRequested request = command.request();
        // Whatever the flags, what leaves patchctl must pass the contract.
        assertThat(EventSchemas.instance().errors(EventType.PATCH_REQUESTED, EventJson.mapper().valueToTree(request)))
                .isEmpty();
        return request;
    }

    @Test
    void mapsRolloutFlagsIntoTheRolloutPolicy() {
        PatchRequested request = request("--inventory", fleet.toString(), "--strategy", "canary", "--batches",
                "1,5,20%", "--canary-gate", "timer", "--bake-seconds", "300", "--max-errors", "10%", "--not-after",
                "2026-11-20T23:00:00Z", "--max-concurrency", "4", "--arg", "apply.sh");

        dev.patchflow.schemas.events.RolloutPolicy rollout = request.options().rollout();
        assertThat(rollout.strategy()).isEqualTo("canary");
        assertThat(rollout.batches()).containsExactly("1", "5", "20%");
        assertThat(rollout.canary())
                .isEqualTo(new dev.patchflow.schemas.events.RolloutPolicy.CanaryPolicy("timer", 300));
        assertThat(rollout.maxErrors()).isEqualTo("10%");
        assertThat(rollout.maxConcurrency()).isEqualTo("4");
        assertThat(rollout.notAfter()).isEqualTo(java.time.Instant.parse("2026-11-20T23:00:00Z"));
    }

    @Test
    void badRolloutFlagsNameTheFlag() {
        CliRun batches = CliRun.of("request", "--inventory", fleet.toString(), "--patch-id", "a", "--patch-version",
                "1", "--arg", "apply.sh", "--strategy", "batches", "--batches", "1,five", "--bootstrap-servers",
                "127.0.0.1:1");
        assertThat(batches.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(batches.err()).contains("--batches");
        CliRun notAfter = CliRun.of("request", "--inventory", fleet.toString(), "--patch-id", "a", "--patch-version",
                "1", "--arg", "apply.sh", "--not-after", "tomorrow", "--bootstrap-servers", "127.0.0.1:1");
        assertThat(notAfter.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(notAfter.err()).contains("--not-after: 'tomorrow' is not an ISO-8601 time");
    }

    @Test
    void mapsTargetSelectionAndPatchFlags() {
        PatchRequested request = request("--inventory", fleet.toString(), "--environment", "dev", "--landing-zones",
                "lz-dev-a,lz-dev-b", "--label", "team=payments", "--label", "tier=web", "--command",
                "sh apply.sh --mode 'fast path'", "--timeout-seconds", "120", "--run-id", "r-42", "--requested-by",
                "alice", "--param", "url=s3://x/y");

        assertThat(request.runId()).isEqualTo("r-42");
        assertThat(request.requestedBy()).isEqualTo("alice");
        assertThat(request.requestedAt()).isEqualTo(Instant.parse("2026-11-20T09:08:07.123Z"));
        assertThat(request.targets().provider()).isEqualTo("directory");
        assertThat(request.targets().source()).isEqualTo(fleet.toAbsolutePath().toString());
        assertThat(request.targets().environment()).isEqualTo("dev");
        assertThat(request.targets().landingZones()).containsExactly("lz-dev-a", "lz-dev-b");
        assertThat(request.targets().labels()).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "payments", "tier", "web"));
        assertThat(request.patch().id()).isEqualTo("demo-app");
        assertThat(request.patch().version()).isEqualTo("1.1.0");
        assertThat(request.patch().executor()).isEqualTo("process");
        assertThat(request.patch().command()).containsExactly("sh", "apply.sh", "--mode", "fast path");
        assertThat(request.patch().timeoutSeconds()).isEqualTo(120);
        assertThat(request.patch().parameters()).containsEntry("url", "s3://x/y");
        assertThat(request.options().phases()).isEqualTo(Phases.ALL);
        assertThat(request.options().dryRun()).isFalse();
        assertThat(request.options().checks()).isEmpty();
    }

    @Test
    void aFileIsAStaticInventoryAndRelativePathsBecomeAbsolute() {
        Path relative = Path.of("").toAbsolutePath().relativize(inventoryFile.toAbsolutePath());
        PatchRequested request = request("--inventory", relative.toString(), "--command", "true");

        assertThat(request.targets().provider()).isEqualTo("static");
        assertThat(Path.of(request.targets().source())).isAbsolute().isEqualTo(inventoryFile.toAbsolutePath());
    }

    @Test
    void anExplicitProviderIsKeptEvenWhenThePathOnlyExistsOnTheScannerHost() {
        PatchRequested request = request("--inventory", "/srv/elsewhere/fleet", "--provider", "directory",
                "--command", "true");

        assertThat(request.targets().provider()).isEqualTo("directory");
        assertThat(request.targets().source()).isEqualTo("/srv/elsewhere/fleet");
    }

    @Test
    void repeatedArgFlagsAreTheArgvAsGiven() {
        PatchRequested request = request("--inventory", fleet.toString(), "--arg", "sh", "--arg", "-c", "--arg",
                "echo 'quoted' $X");

        assertThat(request.patch().command()).containsExactly("sh", "-c", "echo 'quoted' $X");
    }

    @Test
    void scannerOnlyTurnsEveryPhaseOffAndNeedsNoCommand() {
        PatchRequested request = request("--inventory", fleet.toString(), "--scanner-only");

        assertThat(request.options().phases()).isEqualTo(Phases.SCANNER_ONLY);
        assertThat(request.patch().command()).isEmpty();
    }

    @Test
    void dryRunAndPercentageConcurrencyAreCarried() {
        PatchRequested request = request("--inventory", fleet.toString(), "--command", "true", "--dry-run",
                "--max-concurrency", "25%");

        assertThat(request.options().dryRun()).isTrue();
        assertThat(request.options().rollout().maxConcurrency()).isEqualTo("25%");
        assertThat(request.options().rollout().strategy()).isEqualTo("rolling");
    }

    @Test
    void checkFlagsBecomeChecksInOrderOfKind() {
        PatchRequested request = request("--inventory", fleet.toString(), "--command", "true", "--check-http",
                "http://${address}:8080/health", "--check", "version", "--check-command", "sh bin/health.sh 'a b'");

        assertThat(request.options().checks()).containsExactly(
                new CheckSpec("version", "version", null, null, null, null, null),
                new CheckSpec("sh bin/health.sh 'a b'", "command", List.of("sh", "bin/health.sh", "a b"), null, null,
                        null, null),
                new CheckSpec("http://${address}:8080/health", "http", null, "http://${address}:8080/health", null,
                        null, null));
    }

    @Test
    void generatesATimestampedRunIdWhenNoneIsGiven() {
        PatchRequested request = request("--inventory", fleet.toString(), "--command", "true");

        assertThat(request.runId()).matches("run-20261120-090807-[a-z0-9]{6}");
    }

    @Test
    void configFileSetsPhasesRolloutAndChecks() throws IOException {
        Path config = Files.writeString(dir.resolve("workflow.yml"), """
                workflow:
                  phases:
                    scanner: {enabled: true, timeout: 300}
                    ami_backup: {enabled: false, retention_days: 7}
                    server_start: {enabled: true}
                    validation: {enabled: true}
                  rollout:
                    max_concurrency: 25%
                  checks:
                    - type: version
                    - {type: command, name: health, command: "sh bin/health.sh"}
                    - {type: http, url: "http://${address}/ok", expect_status: 204, timeout_seconds: 5}
                """);

        PatchRequested request = request("--inventory", fleet.toString(), "--command", "true", "--config",
                config.toString());

        assertThat(request.options().phases()).isEqualTo(new Phases(false, true, true));
        assertThat(request.options().rollout().maxConcurrency()).isEqualTo("25%");
        assertThat(request.options().checks()).containsExactly(
                new CheckSpec("version", "version", null, null, null, null, null),
                new CheckSpec("health", "command", List.of("sh", "bin/health.sh"), null, null, null, null),
                new CheckSpec("http", "http", null, "http://${address}/ok", 204, null, 5));
    }

    @Test
    void flagsOverrideTheConfigFile() throws IOException {
        Path config = Files.writeString(dir.resolve("workflow.yml"), """
                workflow:
                  phases:
                    backup: {enabled: false}
                    patch: {enabled: true}
                    validation: {enabled: true}
                rollout:
                  max_concurrency: 10
                checks:
                  - {type: command, command: [sh, bin/health.sh]}
                """);

        PatchRequested request = request("--inventory", fleet.toString(), "--command", "true", "--config",
                config.toString(), "--backup", "--no-validation", "--max-concurrency", "3", "--check", "version");

        assertThat(request.options().phases()).isEqualTo(new Phases(true, true, false));
        assertThat(request.options().rollout().maxConcurrency()).isEqualTo("3");
        assertThat(request.options().checks()).extracting(CheckSpec::type).containsExactly("version");
    }

    @Test
    void scannerOnlyWinsOverAConfigFileThatEnablesPhases() throws IOException {
        Path config = Files.writeString(dir.resolve("workflow.yml"), """
                workflow:
                  phases:
                    ami_backup: {enabled: true}
                    validation: {enabled: true}
                """);

        PatchRequested request = request("--inventory", fleet.toString(), "--config", config.toString(),
                "--scanner-only");

        assertThat(request.options().phases()).isEqualTo(Phases.SCANNER_ONLY);
    }

    @Test
    void packageManifestSelectsThePackageExecutorWithTheManifestParameter() {
        PatchRequested request = request("--inventory", fleet.toString(), "--package-manifest",
                "s3://releases/demo-app/1.1.0/manifest.json");

        assertThat(request.patch().executor()).isEqualTo("package");
        assertThat(request.patch().parameters())
                .containsExactlyEntriesOf(Map.of("manifest", "s3://releases/demo-app/1.1.0/manifest.json"));
        assertThat(request.patch().command()).isEmpty();
    }

    @Test
    void forceFullAndAllowUnsignedBecomePackageParametersNextToOtherParams() {
        PatchRequested request = request("--inventory", fleet.toString(), "--package-manifest",
                "https://downloads.example.com/demo-app/manifest.json", "--force-full", "--allow-unsigned", "--param",
                "note=x");

        assertThat(request.patch().executor()).isEqualTo("package");
        assertThat(request.patch().parameters()).containsExactlyInAnyOrderEntriesOf(
                Map.of("manifest", "https://downloads.example.com/demo-app/manifest.json", "forceFull", "true",
                        "allowUnsigned", "true", "note", "x"));
    }

    @Test
    void theLongFormWithExecutorAndParamStillWorks() {
        PatchRequested request = request("--inventory", fleet.toString(), "--executor", "package", "--param",
                "manifest=s3://releases/m.json", "--force-full");

        assertThat(request.patch().executor()).isEqualTo("package");
        assertThat(request.patch().parameters())
                .containsExactlyInAnyOrderEntriesOf(Map.of("manifest", "s3://releases/m.json", "forceFull", "true"));
    }
}
