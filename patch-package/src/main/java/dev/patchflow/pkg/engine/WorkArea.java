package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.patchflow.pkg.internal.Fs;

/**
 * The per-install part of the work dir: {@code <workDir>/<install name>-<8 hex of SHA-256 of the
 * install's absolute path>/} holding {@code journal.jsonl}, {@code lock}, {@code package.tar.gz},
 * {@code staging/}, {@code backup/<step>} and {@code VERSION.new}.
 */
final class WorkArea {

    final Path dir;
    final Path journal;
    final Path download;
    final Path staging;
    final Path backup;
    final Path versionFile;
    private final Path lockFile;

    WorkArea(Path installDir, Path workDir) {
        String name = installDir.getFileName() == null ? "root" : installDir.getFileName().toString();
        this.dir = workDir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + hash(installDir.toString()));
        this.journal = dir.resolve("journal.jsonl");
        this.download = dir.resolve("package.tar.gz");
        this.staging = dir.resolve("staging");
        this.backup = dir.resolve("backup");
        this.versionFile = dir.resolve("VERSION.new");
        this.lockFile = dir.resolve("lock");
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path backupOf(int n) {
        return backup.resolve(Integer.toString(n));
    }

    /** An exclusive lock (across processes) on this install's work area; released by closing. */
    AutoCloseable lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            throw new IllegalStateException("another apply or recovery is running for this install (" + lockFile + ")");
        }
        FileLock held = lock;
        return () -> {
            held.release();
            ch.close();
        };
    }

    /** Removes download, staging, backups and the staged marker (never the journal). */
    void clearScratch() throws IOException {
        Fs.deleteRecursively(download);
        Fs.deleteTreeInParallel(staging);
        Fs.deleteTreeInParallel(backup);
        Fs.deleteRecursively(versionFile);
    }
}
