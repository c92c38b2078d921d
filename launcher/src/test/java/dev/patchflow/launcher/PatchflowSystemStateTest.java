package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
}
