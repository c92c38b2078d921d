package dev.patchflow.backup.domain;

import java.io.InputStream;
import java.io.Writer;
import java.util.List;

/**
 * The data of the workloads Patchflow patches (their MongoDB and their S3), read through named sources
 * ({@code patchflow.backup.workload.sources.<name>.*}); credentials stay in the adapter's configuration, never in
 * an event.
 */
public interface WorkloadData {

    /**
     * Writes every document of {@code database.collection} as one line of canonical MongoDB Extended JSON, in
     * {@code _id} order (what {@code mongoimport} reads back).
     *
     * @return the number of documents
     */
    long exportCollection(String source, String database, String collection, Writer out)
            throws BackupFailureException;

    /** The objects under {@code prefix} in {@code bucket}, by key. */
    List<StoredObject> listObjects(String source, String bucket, String prefix) throws BackupFailureException;

    InputStream openObject(String source, String bucket, String key) throws BackupFailureException;

    record StoredObject(String key, long size) {
    }
}
