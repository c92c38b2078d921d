package dev.patchflow.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.patchflow.schemas.EventJson;

/** Reads a run's view from report-svc's API ({@code GET /api/runs/{id}}) with a bearer token (viewer or above). */
public final class RunWatcher {

    /** A summary is small: a slow answer is a busy service, asked again by {@link #awaitCompleted}. */
    static final Duration SUMMARY_TIMEOUT = Duration.ofSeconds(10);
    /** A 100,000-target run's full view is tens of megabytes, streamed. */
    private static final Duration FULL_VIEW_TIMEOUT = Duration.ofMinutes(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String reportUrl;
    private final String token;
    private final Duration summaryTimeout;

    public RunWatcher(String reportUrl, String token) {
        this(reportUrl, token, SUMMARY_TIMEOUT);
    }

    /** With another wait for a summary (tests make report-svc slow for a moment). */
    RunWatcher(String reportUrl, String token, Duration summaryTimeout) {
        this.reportUrl = reportUrl;
        this.token = token;
        this.summaryTimeout = summaryTimeout;
    }

    /** The run view, or empty while report-svc has not seen the run yet (404). */
    public Optional<JsonNode> run(String runId) throws IOException, InterruptedException {
        return get(runId, "", FULL_VIEW_TIMEOUT);
    }

    /**
     * The run view without its targets ({@code ?limit=0}): what a poller needs; a 100,000-target run's full view
     * is tens of megabytes.
     */
    public Optional<JsonNode> summary(String runId) throws IOException, InterruptedException {
        return get(runId, "?limit=0", summaryTimeout);
    }

    private Optional<JsonNode> get(String runId, String query, Duration timeout)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(reportUrl + "/api/runs/" + runId
                + query)).header("Authorization", "Bearer " + token).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/runs/" + runId + " answered " + response.statusCode());
        }
        return Optional.of(EventJson.mapper().readTree(response.body()));
    }

    /** Waits until the run's state is COMPLETED (polling its summary) and returns its full view. */
    public JsonNode awaitCompleted(String runId, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            Optional<JsonNode> run;
            try {
                run = summary(runId);
            } catch (HttpTimeoutException slow) {
                // report-svc answers slowly while a run is busy on a loaded machine: ask again until the deadline
                continue;
            }
            if (run.isPresent()) {
                last = run.get();
                if ("COMPLETED".equals(last.path("state").asText())) {
                    return run(runId).orElseThrow();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("run " + runId + " did not complete within " + timeout + "; last view: "
                + (last == null ? "none" : last.path("counts")));
    }
}
