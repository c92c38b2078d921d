package dev.patchflow.backup.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import dev.patchflow.schemas.events.Target;

/**
 * Restore points of directory installs: a tar.gz of the install folder in the archive store under
 * {@code backups/<runId>/<targetId>.tar.gz}. A redone attempt overwrites the same key, so nothing is
 * left behind by a crash.
 */
public final class ArchiveFolderMethod implements BackupMethod {

    public static final String NAME = "archive";

    private static final System.Logger LOG = System.getLogger(ArchiveFolderMethod.class.getName());

    private final ArchiveStore store;
    private final TreeArchiver archiver;
    private final Path workDir;

    public ArchiveFolderMethod(ArchiveStore store, TreeArchiver archiver, Path workDir) {
        this.store = store;
        this.archiver = archiver;
        this.workDir = workDir;
    }

    /** The object key of a target's archive: {@code backups/<runId>/<targetId>.tar.gz}. */
    public static String objectKey(String runId, String targetId) {
        return "backups/" + runId + "/" + targetId + ".tar.gz";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> kinds() {
        return Set.of(Target.KIND_DIRECTORY);
    }

    @Override
    public RestorePoint create(Job job) throws BackupFailureException {
        Target target = job.target();
        if (target.installPath() == null || target.installPath().isBlank()) {
            throw new BackupFailureException("directory target " + target.id() + " has no installPath");
        }
        Path temp;
        try {
            Files.createDirectories(workDir);
            temp = Files.createTempFile(workDir, "backup-", ".tar.gz");
        } catch (IOException e) {
            throw new BackupFailureException(
                    "cannot create a temporary archive in " + workDir + ": " + e.getMessage(), e);
        }
        try {
            ArchiveDigest digest = archiver.archive(Path.of(target.installPath()), temp);
            String objectKey = objectKey(job.runId(), job.targetId());
            String location = store.put(objectKey, temp, digest);
            return RestorePoint.archive(location, objectKey, digest);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete temporary archive " + temp, e);
            }
        }
    }

    @Override
    public void expire(BackupRecord record) throws BackupFailureException {
        store.delete(record.objectKey());
    }
}
