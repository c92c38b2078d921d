package dev.patchflow.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting a directory tree, the one way the local stack and the launcher do it. */
public final class FileTrees {

    private FileTrees() {
    }

    /** Deletes {@code tree} and everything under it (nothing when it does not exist); fails on the first error. */
    public static void delete(Path tree) throws IOException {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Best effort: a leftover temp directory must not fail a test run or a stop. */
    static void deleteQuietly(Path tree) {
        try {
            delete(tree);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
