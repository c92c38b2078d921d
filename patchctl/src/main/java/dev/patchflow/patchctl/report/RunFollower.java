package dev.patchflow.patchctl.report;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Follows a run on report-svc until it is {@code COMPLETED} or {@code HALTED} (a halted run waits for an operator,
 * so following it further would wait for nothing), printing a progress line whenever the counts change.
 * <p>
 * It reads the run's live stream ({@code GET /api/runs/{id}/stream}, server-sent events: a summary each time the
 * run changes), and polls {@code GET /api/runs/{id}} only when report-svc has no stream (an older version answers
 * 404 without naming the run). A stream that ends before the run does, breaks, or stays silent for
 * {@code streamIdleTimeout} (report-svc sends a heartbeat every 15 s) is opened again. Once the stream shows the
 * run completed or halted, the run is read once more with its targets (the summary has none), which is what
 * {@code follow} returns. A 404 is normal at first (report-svc has not consumed the request yet), and so is a
 * report-svc that restarts for a moment; only one that stays away for {@code unreachableTimeout} ends the wait.
 */
public final class RunFollower {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Three missed heartbeats of report-svc's 15 s. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(45);

    private final ReportApi api;
    private final PrintWriter out;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration unreachableTimeout;
    private final Duration streamIdleTimeout;

    public RunFollower(ReportApi api, PrintWriter out, Clock clock, Duration pollInterval,
            Duration unreachableTimeout) {
        this(api, out, clock, pollInterval, unreachableTimeout, DEFAULT_STREAM_IDLE_TIMEOUT);
    }

    public RunFollower(ReportApi api, PrintWriter out, Clock clock, Duration pollInterval, Duration unreachableTimeout,
            Duration streamIdleTimeout) {
        this.api = api;
        this.out = out;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.unreachableTimeout = unreachableTimeout;
        this.streamIdleTimeout = streamIdleTimeout;
    }

    /**
     * @return the completed or halted run, with its targets
     * @throws FollowTimeoutException when {@code timeout} passes first
     * @throws ReportApiUnreachableException when report-svc stays unreachable
     * @throws ReportApiException when report-svc keeps answering with errors
     */
    public RunView follow(String runId, Duration timeout) {
        Following following = new Following(runId, timeout);
        Optional<RunView> streamed = following.stream();
        return streamed.isPresent() ? streamed.get() : following.poll();
    }

    /** The state of one follow: its deadline, the last line printed, whether report-svc is in trouble. */
    private final class Following {

        private final String runId;
        private final Duration timeout;
        private final Instant deadline;
        private Instant troubleSince;
        private String lastLine;
        private boolean waitingNoted;

        Following(String runId, Duration timeout) {
            this.runId = runId;
            this.timeout = timeout;
            this.deadline = clock.instant().plus(timeout);
        }

        /** Follows the stream to the end; empty when report-svc has no stream (then poll). */
        Optional<RunView> stream() {
            while (true) {
                try {
                    ReportApi.StreamAnswer answer = api.stream(runId);
                    recovered();
                    if (answer instanceof ReportApi.StreamNotSupported) {
                        return Optional.empty();
                    }
                    if (answer instanceof ReportApi.StreamUnknownRun) {
                        notSeenYet();
                    } else if (answer instanceof ReportApi.StreamOpened opened) {
                        try (RunStream stream = opened.stream()) {
                            Optional<RunView> done = read(stream);
                            if (done.isPresent()) {
                                return done;
                            }
                        }
                        // The stream ended before the run did (report-svc restarting): open it again after a pause,
                        // so that a server or proxy that keeps closing streams at once is not called in a tight loop.
                    }
                } catch (ReportApiUnreachableException | ReportApiException e) {
                    trouble(e);
                }
                pause();
            }
        }

        /** The run with its targets once the stream shows it over; empty when the stream ends or goes silent. */
        private Optional<RunView> read(RunStream stream) {
            long idle = streamIdleTimeout.toMillis();
            Instant lastHeard = clock.instant();
            while (true) {
                checkDeadline();
                long untilDeadline = Duration.between(clock.instant(), deadline).toMillis();
                long untilIdle = idle - Duration.between(lastHeard, clock.instant()).toMillis();
                if (untilIdle <= 0) {
                    return Optional.empty();
                }
                RunStream.Next next = stream.next(Math.min(untilDeadline, untilIdle));
                if (next instanceof RunStream.Ended) {
                    return Optional.empty();
                }
                if (next instanceof RunStream.Heartbeat) {
                    lastHeard = clock.instant();
                } else if (next instanceof RunStream.Event event && "run".equals(event.event().name())) {
                    lastHeard = clock.instant();
                    RunView summary = api.parseRun(event.event().data());
                    progress(summary);
                    if (summary.completed() || summary.halted()) {
                        return Optional.of(api.run(runId).orElse(summary));
                    }
                }
            }
        }

        /** Polls {@code GET /api/runs/{id}} until the run is over. */
        RunView poll() {
            while (true) {
                try {
                    Optional<RunView> run = api.run(runId);
                    recovered();
                    if (run.isEmpty()) {
                        notSeenYet();
                    } else {
                        progress(run.get());
                        if (run.get().completed() || run.get().halted()) {
                            return run.get();
                        }
                    }
                } catch (ReportApiUnreachableException | ReportApiException e) {
                    trouble(e);
                }
                pause();
            }
        }

        private void progress(RunView run) {
            String line = ProgressLine.of(run);
            if (!line.equals(lastLine)) {
                print(line);
                lastLine = line;
            }
        }

        private void notSeenYet() {
            if (!waitingNoted) {
                print("waiting for report-svc at " + api.baseUrl() + " to see run " + runId);
                waitingNoted = true;
            }
        }

        private void recovered() {
            if (troubleSince != null) {
                print("report-svc is back");
                troubleSince = null;
            }
        }

        private void trouble(RuntimeException e) {
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

        private void checkDeadline() {
            if (!clock.instant().isBefore(deadline)) {
                throw new FollowTimeoutException("run " + runId + " did not complete within " + timeout.toSeconds()
                        + "s" + (lastLine == null ? " (report-svc never saw it)" : "; last progress: " + lastLine));
            }
        }

        private void pause() {
            checkDeadline();
            Instant now = clock.instant();
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
