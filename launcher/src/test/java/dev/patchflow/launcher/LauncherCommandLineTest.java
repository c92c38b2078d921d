package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import picocli.CommandLine;

/** Every launcher command explains itself on {@code --help}, before starting anything. */
class LauncherCommandLineTest {

    @ParameterizedTest
    @CsvSource({"demo,--data-dir", "up,--data-dir", "benchmark,--sizes", "benchmark-reports,--targets"})
    void eachCommandPrintsItsUsageWithItsOptionsOnHelp(String command, String option) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = LauncherMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(command, "--help");

        assertThat(exit).isEqualTo(CommandLine.ExitCode.OK);
        assertThat(out.toString()).startsWith("Usage: patchflow " + command).contains(option).contains("--help");
        assertThat(err.toString()).isEmpty();
    }
}
