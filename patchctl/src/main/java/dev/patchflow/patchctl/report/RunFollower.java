package dev.patchflow.patchctl.report;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Polls report-svc until a run is {@code COMPLETED} or {@code HALTED} (a halted run waits for an operator, so
 * following it further would wait for nothing), printing a progress line whenever the counts
 * change. A 404 is normal at first (report-svc has not consumed the request yet), and so is a
 * report-svc that restarts for a moment; only one that stays away for {@code unreachableTimeout}
 * ends the wait.
 */
public final class RunFollower {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ReportApi api;
    private final PrintWriter out;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration unreachableTimeout;

    public RunFollower(ReportApi api, PrintWriter out, Clock clock, Duration pollInterval,
            Duration unreachableTimeout) {
        this.api = api;
        this.out = out;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.unreachableTimeout = unreachableTimeout;
    }

    /**
     * @return the completed or halted run
     * @throws FollowTimeoutException when {@code timeout} passes first
     * @throws ReportApiUnreachableException when report-svc stays unreachable
     * @throws ReportApiException when report-svc keeps answering with errors
     */
    public RunView follow(String runId, Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        Instant troubleSince = null;
        String lastLine = null;
        boolean waitingNoted = false;
        while (true) {
            try {
                Optional<RunView> run = api.run(runId);
                if (troubleSince != null) {
                    print("report-svc is back");
                    troubleSince = null;
                }
                if (run.isEmpty()) {
                    if (!waitingNoted) {
                        print("waiting for report-svc at " + api.baseUrl() + " to see run " + runId);
                        waitingNoted = true;
                    }
                } else {
                    String line = ProgressLine.of(run.get());
                    if (!line.equals(lastLine)) {
                        print(line);
                        lastLine = line;
                    }
                    if (run.get().completed() || run.get().halted()) {
                        return run.get();
                    }
                }
            } catch (ReportApiUnreachableException | ReportApiException e) {
                Instant now = clock.instant();
                if (troubleSince == null) {
                    troubleSince = now;
                    print(e.getMessage() + "; retrying for up to " + unreachableTimeout.toSeconds() + "s");
                } else if (!now.isBefore(troubleSince.plus(unreachableTimeout))) {
                    throw e instanceof ReportApiUnreachableException unreachable
                            ? new ReportApiUnreachableException(unreachable.baseUrl(),
                                    "report-svc not reachable at " + api.baseUrl() + " for "
                                            + unreachableTimeout.toSeconds() + "s: " + e.getMessage(),
                                    e)
                            : e;
                }
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                throw new FollowTimeoutException("run " + runId + " did not complete within " + timeout.toSeconds()
                        + "s" + (lastLine == null ? " (report-svc never saw it)" : "; last progress: " + lastLine));
            }
            sleep(Duration.ofMillis(Math.min(pollInterval.toMillis(), Duration.between(now, deadline).toMillis())));
        }
    }

    private void print(String message) {
        out.println("[" + TIME.format(clock.instant().atZone(clock.getZone())) + "] " + message);
        out.flush();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(Math.max(1, duration.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FollowTimeoutException("interrupted while waiting");
        }
    }
}
