package dev.patchflow.patchctl.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
            ReportApiUnreachableException unreachable = null;
            for (String file : List.copyOf(missing)) {
                try {
                    api.download(runId, file, dir);
                    missing.remove(file);
                } catch (RunNotFoundException e) {
                    // retried below; reported with every missing file if it persists
                } catch (ReportApiUnreachableException e) {
                    unreachable = e;
                }
            }
            if (missing.isEmpty()) {
                return dir;
            }
            if (!clock.instant().isBefore(deadline)) {
                removeIfEmpty(dir);
                if (unreachable != null) {
                    throw unreachable;
                }
                throw new RunNotFoundException("report-svc at " + api.baseUrl() + " has no "
                        + String.join(", ", missing) + " for run " + runId);
            }
            RunFollower.sleep(retryInterval);
        }
    }

    /** Do not leave an empty folder behind that looks like a report. */
    private static void removeIfEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            // best effort: the error about the missing reports matters more
        }
    }
}
