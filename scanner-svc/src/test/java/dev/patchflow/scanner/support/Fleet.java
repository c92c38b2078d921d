package dev.patchflow.scanner.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes install folders ({@code VERSION}, optional {@code target.yaml}) under a root, for tests. */
public final class Fleet {

    private final Path root;

    public Fleet(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path install(String name, String version) {
        return install(name, version, null);
    }

    public Path install(String name, String version, String targetYaml) {
        try {
            Path folder = Files.createDirectories(root.resolve(name));
            Files.writeString(folder.resolve("VERSION"), version);
            if (targetYaml != null) {
                Files.writeString(folder.resolve("target.yaml"), targetYaml);
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
