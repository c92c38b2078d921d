package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code benchmark-reports} refuses a run size it cannot measure by naming the option, before starting anything. */
class ReportBenchmarkTest {

    @Test
    void aRunOfNoTargetsIsRefusedWithTheOptionsNameAndNoStackTrace() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new ReportBenchmark()).setErr(new PrintWriter(err)).execute("--targets", "0");

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .startsWith("--targets must be at least 1 (the run whose reports are measured), not 0")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }
}
