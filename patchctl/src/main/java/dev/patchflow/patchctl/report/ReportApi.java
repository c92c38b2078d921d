package dev.patchflow.patchctl.report;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Client of report-svc's run API ({@code /api/runs}, {@code /api/runs/{id}},
 * {@code /api/runs/{id}/report.<format>}). The JDK's HttpClient and Jackson rather than the Quarkus REST
 * client: patchctl's logic must work as a plain library (launcher, tests) without a CDI container,
 * and three GETs do not need more.
 */
public final class ReportApi {

    /** The four report files report-svc serves for a completed run. */
    public static final List<String> REPORT_FILES = List.of("report.csv", "report.json", "report.html",
            "report.xml");

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String token;

    public ReportApi(String baseUrl) {
        this(baseUrl, (String) null);
    }

    /** @param token bearer token sent on every call ({@code Authorization: Bearer}); null for none */
    public ReportApi(String baseUrl, String token) {
        this(baseUrl, Duration.ofSeconds(5), Duration.ofSeconds(30), token);
    }

    public ReportApi(String baseUrl, Duration connectTimeout, Duration requestTimeout) {
        this(baseUrl, connectTimeout, requestTimeout, null);
    }

    public ReportApi(String baseUrl, Duration connectTimeout, Duration requestTimeout, String token) {
        this.token = token;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The run's view, or empty while report-svc has not seen the run (404). */
    public Optional<RunView> run(String runId) {
        return runJson(runId).map(body -> parseRun(body));
    }

    /** A run view from the JSON of {@link #runJson(String)}. */
    public RunView parseRun(String body) {
        return parse(body, RunView.class, "/api/runs/{id}");
    }

    /** The run's view as report-svc sent it, or empty on 404. */
    public Optional<String> runJson(String runId) {
        HttpResponse<String> response = get(runPath(runId), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(expectOk(response, runPath(runId)).body());
    }

    /** What {@link #stream} found. */
    public sealed interface StreamAnswer {
    }

    /** The stream is open: read it, close it. */
    public record StreamOpened(RunStream stream) implements StreamAnswer {
    }

    /** report-svc has the stream endpoint but has not seen the run yet (its 404 names the run). */
    public record StreamUnknownRun() implements StreamAnswer {
    }

    /** report-svc has no stream endpoint (an older version: its 404 does not name the run): poll instead. */
    public record StreamNotSupported() implements StreamAnswer {
    }

    /**
     * Opens the run's live stream ({@code GET /api/runs/{id}/stream}, {@code text/event-stream}). No timeout on the
     * body (a stream lasts as long as the run; the follower judges silence), only on the answer's headers.
     *
     * @throws ReportApiUnreachableException when report-svc cannot be reached
     * @throws ReportApiException on a refused token or another error status
     */
    public StreamAnswer stream(String runId) {
        String path = runPath(runId) + "/stream";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", "text/event-stream").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<Stream<String>> response;
        var answer = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        try {
            response = answer.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new ReportApiUnreachableException(baseUrl, "report-svc not reachable at " + baseUrl + ": "
                    + (cause instanceof IOException io ? describe(io) : String.valueOf(cause)), cause);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new ReportApiUnreachableException(baseUrl, "report-svc at " + baseUrl + " did not answer GET " + path
                    + " within " + requestTimeout.toSeconds() + "s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportApiUnreachableException(baseUrl, "interrupted while calling " + baseUrl, e);
        }
        if (response.statusCode() == 200) {
            return new StreamOpened(new RunStream(response.body()));
        }
        String body;
        try (Stream<String> lines = response.body()) {
            body = lines.collect(Collectors.joining("\n"));
        } catch (RuntimeException e) {
            body = "";
        }
        if (response.statusCode() == 404) {
            return namesRun(body) ? new StreamUnknownRun() : new StreamNotSupported();
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            // The JSON reason is already read: no second request for it.
            throw new ReportApiException(refusal(response.statusCode(), body));
        }
        throw new ReportApiException("GET " + baseUrl + path + " answered " + response.statusCode()
                + (body.isBlank() ? "" : ": " + abbreviate(body)));
    }

    /** report-svc's 404 for an unknown run says which run ({@code {"error": …, "runId": …}}). */
    private static boolean namesRun(String body) {
        try {
            return JSON.readTree(body).hasNonNull("runId");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A target's story ({@code GET /api/runs/{id}/targets/{targetId}/history}) as sent, or empty on 404. */
    public Optional<String> historyJson(String runId, String targetId) {
        String path = runPath(runId) + "/targets/" + URLEncoder.encode(targetId, StandardCharsets.UTF_8).replace("+",
                "%20") + "/history";
        HttpResponse<String> response = get(path, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(expectOk(response, path).body());
    }

    /** A target's story from the JSON of {@link #historyJson}. */
    public TargetStory parseStory(String body) {
        return parse(body, TargetStory.class, "/api/runs/{id}/targets/{targetId}/history");
    }

    /** Every run report-svc knows, newest first. */
    public List<RunView> runs() {
        HttpResponse<String> response = expectOk(get("/api/runs", HttpResponse.BodyHandlers.ofString()), "/api/runs");
        return parse(response.body(), new TypeReference<List<RunView>>() {
        }, "/api/runs");
    }

    /**
     * Downloads one report file into {@code dir}, via a temporary file so that a failed download
     * never leaves half a report behind.
     *
     * @throws RunNotFoundException on 404 (unknown run, or the report is not written yet)
     */
    public Path download(String runId, String fileName, Path dir) {
        String path = runPath(runId) + "/" + fileName;
        try {
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, "." + fileName, ".part");
            try {
                HttpResponse<Path> response = get(path, HttpResponse.BodyHandlers.ofFile(partial));
                if (response.statusCode() == 404) {
                    throw new RunNotFoundException(
                            "report-svc at " + baseUrl + " has no " + fileName + " for run " + runId);
                }
                if (response.statusCode() != 200) {
                    throw new ReportApiException("GET " + baseUrl + path + " answered " + response.statusCode());
                }
                return Files.move(partial, dir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new ReportApiException("cannot write " + dir.resolve(fileName) + ": " + e.getMessage(), e);
        }
    }

    private static String runPath(String runId) {
        return "/api/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8);
    }

    private <T> HttpResponse<T> get(String path, HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", "application/json, */*")
                .GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<T> response = http.send(request.build(), handler);
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                // Ask again for the JSON reason: the caller's body handler may have written it to a file.
                HttpResponse<String> refused = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                throw new ReportApiException(refusal(refused.statusCode(), refused.body()));
            }
            return response;
        } catch (IOException e) {
            throw new ReportApiUnreachableException(baseUrl,
                    "report-svc not reachable at " + baseUrl + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportApiUnreachableException(baseUrl, "interrupted while calling " + baseUrl, e);
        }
    }

    /** e.g. "report-svc refused the token: 403 forbidden: role viewer required". */
    private String refusal(int status, String body) {
        String reason = "";
        try {
            reason = JSON.readTree(body).path("error").asText("");
        } catch (IOException | RuntimeException e) {
            // no JSON body: the status says enough
        }
        String what = token == null
                ? "the request without a token (use --token, --token-file or PATCHFLOW_TOKEN)"
                : "the token";
        return "report-svc refused " + what + ": " + status
                + (status == 403 ? " forbidden" : " unauthorized")
                + (reason.isBlank() ? "" : " (" + reason + ")");
    }

    private <T> HttpResponse<T> expectOk(HttpResponse<T> response, String path) {
        if (response.statusCode() != 200) {
            throw new ReportApiException("GET " + baseUrl + path + " answered " + response.statusCode()
                    + (response.body() instanceof String body && !body.isBlank() ? ": " + abbreviate(body) : ""));
        }
        return response;
    }

    private <T> T parse(String body, Class<T> type, String path) {
        try {
            return JSON.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new ReportApiException("GET " + baseUrl + path + " did not return a "
                    + (type == TargetStory.class ? "target story" : "run") + ": " + e.getOriginalMessage(), e);
        }
    }

    private <T> T parse(String body, TypeReference<T> type, String path) {
        try {
            return JSON.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new ReportApiException("GET " + baseUrl + path + " did not return a run list: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return message;
    }

    private static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
