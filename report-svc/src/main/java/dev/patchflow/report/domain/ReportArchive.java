package dev.patchflow.report.domain;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** Durable home of the report files (S3). */
public interface ReportArchive {

    /** The folder the run's reports go to, e.g. {@code s3://patchflow/reports/<runId>/}. */
    String location(String runId);

    /**
     * Stores the files under {@code reports/<runId>/}, overwriting earlier copies. Each file's content is written
     * while it is stored; a file whose content fails is not stored.
     */
    void store(String runId, List<ReportFile> files);

    /**
     * Whether {@link #store} writes the files ({@code false}: {@code patchflow.report.archive=false}, a replay that
     * must leave the live service's copies alone): only then are the archived files this service's own.
     */
    default boolean writes() {
        return true;
    }

    /**
     * The stored file {@code reports/<runId>/<name>} as a stream (close it), or empty when it is not there or the
     * archive cannot be read now: the caller then renders the file from the views instead.
     */
    Optional<InputStream> open(String runId, String name);
}
