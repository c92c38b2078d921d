package dev.patchflow.scanner.adapters.inventory;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import dev.patchflow.scanner.domain.RejectedRunException;

/**
 * Turns a request's {@code targets.source} into a path. A relative source is resolved against the
 * configured base folder (by default the service's working directory), so that the launcher and
 * {@code patchctl} can send {@code examples/...} paths.
 */
public final class SourcePaths {

    private final Path baseDir;

    public SourcePaths(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    public Path resolve(String source) {
        try {
            return baseDir.resolve(Path.of(source.trim())).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new RejectedRunException("targets.source '" + source + "' is not a path: " + e.getReason());
        }
    }
}
