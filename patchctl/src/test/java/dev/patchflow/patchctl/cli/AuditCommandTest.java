package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.patchctl.report.RunView;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;

import picocli.CommandLine;

/** {@code patchctl audit}: a followed dry run whose drifted targets are listed, exit code 8 on drift. */
class AuditCommandTest {

    @TempDir
    Path dir;

    @Test
    void anAuditIsAlwaysAFollowedDryRunOfTheRequest() throws IOException {
        Path clusters = Files.writeString(dir.resolve("clusters.yaml"), "clusters: []\n");
        AuditCommand command = new AuditCommand();
        command.clock = Clock.fixed(Instant.parse("2026-11-20T02:00:00Z"), ZoneOffset.UTC);
        new CommandLine(command).parseArgs("--inventory", clusters.toString(), "--provider", "database",
                "--patch-id", "postgresql-15", "--patch-version", "15.9", "--executor", "db-cluster", "--check",
                "db-version", "--run-id", "audit-20261120");

        PatchRequested request = command.request();

        assertThat(request.options().dryRun()).isTrue();
        assertThat(command.follow).isTrue();
        assertThat(request.targets().provider()).isEqualTo("database");
        assertThat(request.patch().executor()).isEqualTo("db-cluster");
        assertThat(request.options().checks()).extracting(CheckSpec::type).containsExactly("db-version");
    }

    @Test
    void listsDriftedTargetsAndExitsWith8() {
        RunView run = run(List.of(new RunView.Drift("pg.node1", "15.8", "15.9"),
                new RunView.Drift("pg.node3", null, "15.9")));
        StringWriter out = new StringWriter();

        int code = AuditCommand.print(run, new PrintWriter(out, true), ExitCodes.OK);

        assertThat(code).isEqualTo(ExitCodes.DRIFT);
        assertThat(out.toString()).isEqualTo("""
                drift: 2 of 3 targets not at 15.9
                  pg.node1  found 15.8, wanted 15.9
                  pg.node3  found unknown, wanted 15.9
                """);
    }

    @Test
    void noDriftKeepsTheRunsExitCode() {
        StringWriter out = new StringWriter();
        assertThat(AuditCommand.print(run(List.of()), new PrintWriter(out, true), ExitCodes.OK)).isZero();
        assertThat(out.toString()).isEqualTo("drift: none (3 targets at 15.9)\n");
    }

    private static RunView run(List<RunView.Drift> drift) {
        List<RunView.TargetView> targets = List.of("pg.node1", "pg.node2", "pg.node3").stream()
                .map(id -> new RunView.TargetView(id, id, "postgres-patroni", "prod", null, null, "DRY_RUN",
                        "PATCHED", null, null, null, null))
                .toList();
        return new RunView("audit-1", "COMPLETED", "SUCCEEDED", null, new RunView.Patch("postgresql-15", "15.9"),
                "cron", null, null, true, 3, null, null, targets, drift);
    }
}
