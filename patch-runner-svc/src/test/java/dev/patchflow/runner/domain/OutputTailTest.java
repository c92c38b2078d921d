package dev.patchflow.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputTailTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLastLinesWithoutTheFinalNewline() throws IOException {
        Path file = dir.resolve("out.log");
        Files.writeString(file, IntStream.rangeClosed(1, 25).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n", "", "\n")));

        String tail = OutputTail.lastLines(file, 20);

        assertThat(tail.split("\n")).hasSize(20);
        assertThat(tail).startsWith("line 6\n").endsWith("line 25");
    }

    @Test
    void aShortOutputIsKeptWhole() throws IOException {
        Path file = dir.resolve("out.log");
        Files.writeString(file, "only\r\nlines\n");

        assertThat(OutputTail.lastLines(file, 20)).isEqualTo("only\nlines");
    }

    @Test
    void aHugeOutputIsReadFromTheEndOnly() throws IOException {
        Path file = dir.resolve("out.log");
        String big = "x".repeat(200_000) + "\nlast line\n";
        Files.writeString(file, big);

        assertThat(OutputTail.lastLines(file, 1)).isEqualTo("last line");
        assertThat(OutputTail.lastLines(dir.resolve("missing.log"), 20)).isEmpty();
    }
}
