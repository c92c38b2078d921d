package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.EventSchemas;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.Phases;

import picocli.CommandLine;

/** Seed 004's CLI and prepatch_config.yml to the PatchRequested of an AWS run. */
class AwsRequestTest {

    @TempDir
    Path dir;

    private PatchRequested request(String... args) {
        RequestCommand command = new RequestCommand();
        command.clock = Clock.fixed(Instant.parse("2026-11-20T09:00:00Z"), ZoneOffset.UTC);
        new CommandLine(command).parseArgs(args);
        PatchRequested request = command.request();
        assertThat(EventSchemas.instance().errors(EventType.PATCH_REQUESTED, EventJson.mapper().valueToTree(request)))
                .isEmpty();
        return request;
    }

    @Test
    void landingZonesAndEnvironmentAloneAreAnAwsRunPatchedWithTheSsmBaseline() throws IOException {
        Path config = Files.writeString(dir.resolve("prepatch_config.yml"), """
                workflow:
                  phases:
                    scanner: {enabled: true, timeout: 300}
                    ami_backup: {enabled: true, retention_days: 7, timeout: 1800}
                    server_start: {enabled: true, wait_timeout: 600, restore_power_state: true}
                    validation: {enabled: true, health_checks: true, ssm_ping: true}
                """);
        PatchRequested request = request("--landing-zones", "lz250nonprod,cmsnonprod", "--environment", "nonprod",
                "--config", config.toString(), "--run-id", "run-aws-1");

        assertThat(request.targets().provider()).isEqualTo("aws-ec2");
        assertThat(request.targets().source()).isNull();
        assertThat(request.targets().landingZones()).containsExactly("lz250nonprod", "cmsnonprod");
        assertThat(request.patch().executor()).isEqualTo("ssm");
        assertThat(request.patch().id()).isEqualTo("AWS-RunPatchBaseline");
        assertThat(request.patch().version()).isEqualTo("run-aws-1");
        assertThat(request.options().aws()).isEqualTo(new AwsOptions(300, 7, 1800, null, true, 600, true));
        assertThat(request.options().checks()).extracting(CheckSpec::type).containsExactly(
                CheckSpec.AWS_INSTANCE_RUNNING, CheckSpec.AWS_BACKUP_IMAGE, CheckSpec.AWS_PATCH_COMPLIANCE,
                CheckSpec.AWS_SSM_ONLINE);
    }

    @Test
    void scannerOnlyTurnsEveryPhaseOff() {
        PatchRequested request = request("--scanner-only", "--landing-zones", "lz250nonprod");
        assertThat(request.options().phases()).isEqualTo(Phases.SCANNER_ONLY);
        assertThat(request.options().checks()).isEmpty();
    }

    @Test
    void anUnknownWorkflowKeyIsRefusedNamingIt() throws IOException {
        Path config = Files.writeString(dir.resolve("bad.yml"), """
                workflow:
                  phases:
                    ami_backup: {enabled: true, retention: 7}
                """);
        CliRun run = CliRun.of("request", "--landing-zones", "lz250nonprod", "--config", config.toString(),
                "--bootstrap-servers", "127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("unknown key workflow.phases.ami_backup.retention (known: enabled, no_reboot,"
                + " retention_days, timeout)");
    }
}
