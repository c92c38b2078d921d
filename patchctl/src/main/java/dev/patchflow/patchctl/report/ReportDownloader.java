package dev.patchflow.patchctl.report;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Downloads the four report files of a run into {@code <outputDir>/<runId>/}. report-svc writes the
 * files when the run completes, which may be a moment after the view says {@code COMPLETED}: a 404
 * or a brief outage is retried until {@code patience} runs out.
 */
public final class ReportDownloader {

    private final ReportApi api;
    private final Clock clock;
    private final Duration retryInterval;

    public ReportDownloader(ReportApi api, Clock clock, Duration retryInterval) {
        this.api = api;
        this.clock = clock;
        this.retryInterval = retryInterval;
    }

    /** @return the absolute folder that holds the four files */
    public Path downloadAll(String runId, Path outputDir, Duration patience) {
        Path dir = outputDir.resolve(runId).toAbsolutePath().normalize();
        Instant deadline = clock.instant().plus(patience);
        List<String> missing = new ArrayList<>(ReportApi.REPORT_FILES);
        while (true) {
            RuntimeException last = null;
            for (String file : List.copyOf(missing)) {
                try {
                    api.download(runId, file, dir);
                    missing.remove(file);
                } catch (RunNotFoundException | ReportApiUnreachableException e) {
                    last = e;
                }
            }
            if (missing.isEmpty()) {
                return dir;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw last;
            }
            RunFollower.sleep(retryInterval);
        }
    }
}
