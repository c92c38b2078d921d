package dev.patchflow.runner.adapters.pkg;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

import dev.patchflow.pkg.engine.RecoveryResult;

/**
 * What a recovery at service start did to an install, kept on disk until the target's next execution puts it
 * into its event: the recovery runs before the dispatcher, the event is only built when the target is
 * executed again (possibly after a further restart), so the outcome must outlive the process.
 * One small file per install under {@code <package work dir>/recovered/}.
 */
final class RecoveryNotes {

    /** What was recovered, for the event's details. */
    record Note(String outcome, String detail) {
    }

    private final Path dir;

    RecoveryNotes(Path packageWorkDir) {
        this.dir = packageWorkDir.resolve("recovered");
    }

    void write(Path install, RecoveryResult result) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("install", install.toString());
        p.setProperty("outcome", result.outcome().name());
        p.setProperty("detail", String.valueOf(result.detail()));
        Path file = fileOf(install);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "package executor: recovery of an interrupted apply at service start");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    Optional<Note> read(Path install) throws IOException {
        Path file = fileOf(install);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return Optional.of(new Note(p.getProperty("outcome"), p.getProperty("detail")));
    }

    void clear(Path install) throws IOException {
        Files.deleteIfExists(fileOf(install));
    }

    private Path fileOf(Path install) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(install.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(digest, 0, 8) + ".properties");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
