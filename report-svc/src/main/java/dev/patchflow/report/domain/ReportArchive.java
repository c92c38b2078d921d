package dev.patchflow.report.domain;

import java.util.List;

/** Durable home of the report files (S3). */
public interface ReportArchive {

    /** The folder the run's reports go to, e.g. {@code s3://patchflow/reports/<runId>/}. */
    String location(String runId);

    /**
     * Stores the files under {@code reports/<runId>/}, overwriting earlier copies. Each file's content is written
     * while it is stored; a file whose content fails is not stored.
     */
    void store(String runId, List<ReportFile> files);
}
