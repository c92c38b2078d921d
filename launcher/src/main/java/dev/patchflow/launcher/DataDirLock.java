package dev.patchflow.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whoever runs Patchflow on a data dir ({@code up}, {@code demo}, a benchmark) holds this lock for as long as it
 * runs: an exclusive lock on {@code <dataDir>/in-use.lock}, which the operating system releases when the process
 * ends, however it ends. {@code demo --fresh} deletes the stack's files only under it, so a second terminal's
 * {@code demo --fresh} cannot empty the MongoDB-wire file and Kafka logs of a stack that is running (it stopped
 * only later, at the port already taken, with the running stack's state gone).
 */
public final class DataDirLock implements AutoCloseable {

    static final String FILE = "in-use.lock";

    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    /** The data dir this lock holds. */
    public Path dataDir() {
        return dataDir;
    }

    /** Takes the lock, or fails naming the data dir when another run (this JVM's or another's) holds it. */
    public static DataDirLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new InUseException("the data dir " + dataDir + " is in use by another Patchflow run on "
                    + "this machine (patchflow up, demo or a benchmark; it holds " + file + "): stop it first, or "
                    + "use another --data-dir");
        }
        return new DataDirLock(dataDir, channel, lock);
    }

    /** Another run holds the data dir: the operator's to resolve, so the launcher prints it as one line. */
    public static final class InUseException extends IllegalStateException {

        InUseException(String message) {
            super(message);
        }
    }

    /** Releases the lock; again is a no-op. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
