package dev.patchflow.backup.domain;

import java.nio.file.Path;

/** Where archives are kept (adapter: MinIO client against S3 or any S3-compatible server). */
public interface ArchiveStore {

    /**
     * Uploads {@code archive} under {@code key}, replacing an object already there (a redone backup
     * writes the same key).
     *
     * @return the object's location, {@code s3://<bucket>/<key>}
     * @throws BackupFailureException if the store refuses the object or cannot be reached; the message
     *         names the endpoint
     */
    String put(String key, Path archive, ArchiveDigest digest) throws BackupFailureException;

    /** Deletes the object; deleting an object that is already gone is not an error. */
    void delete(String key) throws BackupFailureException;

    /**
     * Deletes every object whose key starts with {@code prefix} (a restore point made of several objects);
     * nothing there is not an error.
     */
    default void deleteAll(String prefix) throws BackupFailureException {
        throw new BackupFailureException("this archive store cannot delete the objects under " + prefix);
    }
}
