package dev.patchflow.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes this JVM wrote (Linux {@code /proc/self/io} {@code wchar}: every {@code write} of every thread, to
 * any file), to measure what a refusal cost in disk rather than in wall time on a shared machine.
 */
public final class DiskWrites {

    private DiskWrites() {
    }

    /** Runs {@code action} and returns the bytes written meanwhile. */
    public static long during(ThrowingRunnable action) throws Exception {
        long before = written();
        action.run();
        return written() - before;
    }

    /** An action that may throw (the assertion on what it threw goes inside). */
    @FunctionalInterface
    public interface ThrowingRunnable {

        void run() throws Exception;
    }

    public static long written() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring("wchar:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("this test measures writes through /proc/self/io (Linux)", e);
        }
        throw new IllegalStateException("no wchar in /proc/self/io");
    }
}
