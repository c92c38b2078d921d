package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchflowSystemStateTest {

    @TempDir
    Path data;

    private Path file(String relative) throws IOException {
        Path file = data.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, relative);
    }

    @Test
    void forgettingStateEmptiesTheStackAndKeepsKeysTrustAndReports() throws IOException {
        file("stack/mongo.mv");
        file("stack/kafka/patchflow.patches-0/00000000000000000000.log");
        file("stack/s3/patchflow/reports/r1/report.csv");
        Path key = file("auth/private.pem");
        Path trusted = file("trusted-keys/demo.pub.pem");
        Path report = file("reports/r1/report.csv");

        PatchflowSystem.forgetState(data);

        assertThat(data.resolve(PatchflowSystem.STACK)).doesNotExist();
        assertThat(key).hasContent("auth/private.pem");
        assertThat(trusted).exists();
        assertThat(report).exists();
    }

    @Test
    void forgettingTheStateOfADataDirThatHasNoneChangesNothing() throws IOException {
        Path key = file("auth/private.pem");

        PatchflowSystem.forgetState(data);

        assertThat(key).exists();
        assertThat(data.resolve(PatchflowSystem.STACK)).doesNotExist();
    }

    @Test
    void forgettingStateWhileAnotherRunHoldsTheDataDirFailsNamingItAndDeletesNothing() throws IOException {
        Path mongo = file("stack/mongo.mv");

        try (DataDirLock running = DataDirLock.acquire(data)) {
            assertThatThrownBy(() -> PatchflowSystem.forgetState(data))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(data.toString())
                    .hasMessageContaining("in use by another Patchflow run");
        }

        assertThat(mongo).hasContent("stack/mongo.mv");
    }

    @Test
    void aDataDirIsFreeAgainOnceItsRunEnds() throws IOException {
        file("stack/mongo.mv");
        DataDirLock.acquire(data).close();

        PatchflowSystem.forgetState(data);

        assertThat(data.resolve(PatchflowSystem.STACK)).doesNotExist();
    }

    @Test
    void forgettingStateUnderAHeldLockKeepsTheDataDirHeldForTheStartThatFollows() throws IOException {
        file("stack/mongo.mv");

        try (DataDirLock held = DataDirLock.acquire(data)) {
            PatchflowSystem.forgetState(held);

            assertThat(data.resolve(PatchflowSystem.STACK)).doesNotExist();
            assertThatThrownBy(() -> DataDirLock.acquire(data)).as("another run, between --fresh and the start")
                    .isInstanceOf(DataDirLock.InUseException.class);
        }
    }

    @Test
    void upOnADataDirAnotherRunHoldsExitsWithOneLineNamingIt() throws IOException {
        StringWriter err = new StringWriter();

        int exit = whileAnotherRunHoldsTheDataDir(err, "up", "--data-dir", data.toString());

        assertThat(exit).isEqualTo(LauncherMain.IN_USE);
        assertThat(err.toString().strip()).startsWith("patchflow: the data dir " + data)
                .contains("in use by another Patchflow run").doesNotContain("\tat ").hasLineCount(1);
        assertThat(data.resolve(PatchflowSystem.STACK)).doesNotExist();
    }

    @Test
    void demoOnADataDirAnotherRunHoldsWritesNothingThereAndExitsWithOneLine() throws IOException {
        StringWriter err = new StringWriter();

        int exit = whileAnotherRunHoldsTheDataDir(err, "demo", "--fresh", "--data-dir", data.toString());

        assertThat(exit).isEqualTo(LauncherMain.IN_USE);
        assertThat(err.toString().strip()).contains("in use by another Patchflow run").hasLineCount(1);
        try (var written = Files.list(data)) {
            assertThat(written).as("the running one's data dir").extracting(p -> p.getFileName().toString())
                    .containsExactly(DataDirLock.FILE);
        }
    }

    /** Runs the launcher with {@code args} while this test holds the data dir's lock, as another run would. */
    private int whileAnotherRunHoldsTheDataDir(StringWriter err, String... args) throws IOException {
        try (DataDirLock running = DataDirLock.acquire(data)) {
            return LauncherMain.commandLine().setErr(new PrintWriter(err)).execute(args);
        }
    }
}
