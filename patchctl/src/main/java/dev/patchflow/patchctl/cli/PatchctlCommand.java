package dev.patchflow.patchctl.cli;

import java.util.concurrent.Callable;

import io.quarkus.picocli.runtime.annotations.TopCommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@TopCommand
@Command(name = "patchctl", mixinStandardHelpOptions = true, versionProvider = PatchctlVersion.class, description = "Patchflow operator CLI: request a patch run, follow it, fetch its reports; list and re-drive dead letters; build and publish signed packages; plan SQL schema changes.", subcommands = {
        RequestCommand.class, AuditCommand.class, RunsCommand.class, ReportCommand.class, PackageCommand.class,
        SchemaCommand.class, DlqCommand.class}, footer = {"",
                "Exit codes: 0 ok, 1 Kafka, report-svc or S3 not reachable, 2 usage, 3 run FAILED, "
                        + "4 run REJECTED, 5 follow timeout, 6 unknown run or record, 7 package refused or destructive schema "
                        + "statements not allowed, 8 drift found (audit), 9 followed run HALTED."})
public class PatchctlCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
