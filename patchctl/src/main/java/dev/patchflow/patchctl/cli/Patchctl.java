package dev.patchflow.patchctl.cli;

import java.io.PrintWriter;

import dev.patchflow.patchctl.kafka.KafkaUnreachableException;
import dev.patchflow.patchctl.pkg.S3UnreachableException;
import dev.patchflow.patchctl.report.FollowTimeoutException;
import dev.patchflow.patchctl.report.ReportApiException;
import dev.patchflow.patchctl.report.ReportApiUnreachableException;
import dev.patchflow.patchctl.report.RunNotFoundException;
import dev.patchflow.patchctl.request.UsageException;
import dev.patchflow.pkg.PackageRefusedException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point for using patchctl as a library: {@code Patchctl.execute(out, err, "request", ...)}
 * runs a command in-process, exactly as the packaged CLI does, and returns its exit code.
 */
public final class Patchctl {

    private Patchctl() {
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = configure(new CommandLine(new PatchctlCommand()));
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    /** Exit codes and one-line messages for the failures an operator can act on; a stack trace for the rest. */
    public static CommandLine configure(CommandLine commandLine) {
        IExecutionExceptionHandler handler = (e, cmd, parseResult) -> {
            int code = exitCode(e);
            if (code < 0) {
                throw e;
            }
            cmd.getErr().println("patchctl: " + e.getMessage());
            if (code == ExitCodes.USAGE) {
                cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            }
            cmd.getErr().flush();
            return code;
        };
        // picocli's default prints the whole usage after a bad flag; one line naming it reads better.
        IParameterExceptionHandler parameterHandler = (e, args) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("patchctl: " + e.getMessage());
            UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            err.flush();
            return ExitCodes.USAGE;
        };
        return commandLine.setExecutionExceptionHandler(handler).setParameterExceptionHandler(parameterHandler);
    }

    private static int exitCode(Exception e) {
        if (e instanceof UsageException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof KafkaUnreachableException || e instanceof ReportApiUnreachableException
                || e instanceof ReportApiException || e instanceof S3UnreachableException) {
            return ExitCodes.UNREACHABLE;
        }
        if (e instanceof FollowTimeoutException) {
            return ExitCodes.FOLLOW_TIMEOUT;
        }
        if (e instanceof RunNotFoundException) {
            return ExitCodes.NOT_FOUND;
        }
        if (e instanceof PackageRefusedException) {
            return ExitCodes.REFUSED;
        }
        return -1;
    }
}
