package dev.patchflow.runner.domain;

import java.nio.file.Path;

/** Where executor output is kept: {@code logs/<runId>/<targetId>.log} in the object store. */
public interface OutputStore {

    /**
     * Stores the file and returns its location ({@code s3://<bucket>/<key>}).
     *
     * @throws RuntimeException if the store refuses it
     */
    String store(String runId, String targetId, Path file);
}
