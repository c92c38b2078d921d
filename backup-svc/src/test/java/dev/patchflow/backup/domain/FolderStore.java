package dev.patchflow.backup.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link ArchiveStore} on a local folder that can be told to refuse, for domain tests. */
final class FolderStore implements ArchiveStore {

    final Path root;
    final AtomicInteger uploads = new AtomicInteger();
    final Set<String> refuseDeletes = new HashSet<>();
    String refusal;

    FolderStore(Path root) {
        this.root = root;
    }

    @Override
    public String put(String key, Path archive, ArchiveDigest digest) throws BackupFailureException {
        if (refusal != null) {
            throw new BackupFailureException(refusal);
        }
        try {
            Path object = root.resolve(key);
            Files.createDirectories(object.getParent());
            Files.copy(archive, object, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BackupFailureException(e.toString(), e);
        }
        uploads.incrementAndGet();
        return "s3://test-bucket/" + key;
    }

    @Override
    public void delete(String key) throws BackupFailureException {
        if (refuseDeletes.contains(key)) {
            throw new BackupFailureException("S3 at test refused the delete of " + key);
        }
        try {
            Files.deleteIfExists(root.resolve(key));
        } catch (IOException e) {
            throw new BackupFailureException(e.toString(), e);
        }
    }

    boolean exists(String key) {
        return Files.exists(root.resolve(key));
    }
}
