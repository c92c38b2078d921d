package dev.patchflow.patchctl.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for report-svc's run API on a random port: each run answers a scripted sequence of
 * responses (the last one repeats), report files are served once registered. Unknown paths are 404
 * with report-svc's {@code {"error": ...}} body.
 */
public final class FakeReportApi implements AutoCloseable {

    public record Response(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Response>> runs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private volatile Response runList = new Response(200, "[]");
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public FakeReportApi() throws IOException {
        this(0);
    }

    public FakeReportApi(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        // Streams hold their exchange open: each request gets its own thread.
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "fake-report-api");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeReportApi script(String runId, Response... responses) {
        runs.put(runId, new ArrayDeque<>(List.of(responses)));
        return this;
    }

    /**
     * One connection to {@code GET /api/runs/{id}/stream}: its status (200: a {@code text/event-stream} of
     * {@code lines}, then the connection ends, or hangs silent for {@code hangMillis} first).
     */
    public record StreamConnection(int status, String body, List<String> lines, long hangMillis) {
    }

    private final Map<String, Deque<StreamConnection>> streams = new ConcurrentHashMap<>();

    /** Scripts the run's stream: one entry per connection, the last one repeats. */
    public FakeReportApi stream(String runId, StreamConnection... connections) {
        streams.put(runId, new ArrayDeque<>(List.of(connections)));
        return this;
    }

    /** A connection that sends these events ({@link #sse}) and ends. */
    public static StreamConnection streamOf(String... chunks) {
        return new StreamConnection(200, null, List.of(chunks), 0);
    }

    /** A connection that sends these events and then stays open, silent, for {@code hangMillis}. */
    public static StreamConnection streamThenSilence(long hangMillis, String... chunks) {
        return new StreamConnection(200, null, List.of(chunks), hangMillis);
    }

    /** report-svc's answer while it has not seen the run: 404 naming it. */
    public static StreamConnection streamUnknownRun(String runId) {
        return new StreamConnection(404, "{\"error\": \"unknown run " + runId + "\", \"runId\": \"" + runId + "\"}",
                List.of(), 0);
    }

    /** An SSE event {@code run} carrying a run view ({@link #run}, {@link #haltedRun}) as one data line. */
    public static String sse(Response run) {
        return "event: run\ndata: " + run.body().replaceAll("\\s*\n\\s*", " ").strip() + "\n\n";
    }

    /** A heartbeat comment as report-svc sends it. */
    public static String heartbeat() {
        return ": heartbeat\n\n";
    }

    public FakeReportApi runList(String json) {
        runList = new Response(200, json);
        return this;
    }

    public FakeReportApi file(String runId, String name, String content) {
        files.put("/api/runs/" + runId + "/" + name, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Registers the four report files with recognisable contents. */
    public FakeReportApi reports(String runId) {
        return file(runId, "report.csv", "targetId,status\napp-01,SUCCEEDED\n")
                .file(runId, "report.json", "{\"runId\":\"" + runId + "\"}")
                .file(runId, "report.html", "<html><body>" + runId + "</body></html>")
                .file(runId, "report.xml", "<run id=\"" + runId + "\"/>");
    }

    private volatile String requiredToken;

    /**
     * Answers like a secured report-svc: no {@code Authorization} header → 401, another token → 403 (each with the JSON
     * error body of docs/SECURITY.md).
     */
    public FakeReportApi requireToken(String token) {
        this.requiredToken = token;
        return this;
    }

    public List<String> requests() {
        return requests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        String required = requiredToken;
        if (required != null) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null) {
                respond(exchange, 401, "{\"error\": \"authentication required: send a bearer token\", \"status\": 401}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!authorization.equals("Bearer " + required)) {
                respond(exchange, 403, "{\"error\": \"forbidden: role viewer required\", \"status\": 403}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        if (path.startsWith("/api/runs/") && path.endsWith("/stream")
                && streams.containsKey(path.substring("/api/runs/".length(), path.length() - "/stream".length()))) {
            Deque<StreamConnection> script = streams
                    .get(path.substring("/api/runs/".length(), path.length() - "/stream".length()));
            StreamConnection connection;
            synchronized (script) {
                connection = script.size() > 1 ? script.poll() : script.peek();
            }
            serveStream(exchange, connection);
            return;
        }
        Response response;
        if (path.equals("/api/runs")) {
            response = runList;
        } else if (files.containsKey(path)) {
            respond(exchange, 200, files.get(path));
            return;
        } else if (path.startsWith("/api/runs/") && runs.containsKey(path.substring("/api/runs/".length()))) {
            Deque<Response> script = runs.get(path.substring("/api/runs/".length()));
            synchronized (script) {
                response = script.size() > 1 ? script.poll() : script.peek();
            }
        } else {
            response = new Response(404, "{\"error\": \"no such run\"}");
        }
        respond(exchange, response.status(), response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void serveStream(HttpExchange exchange, StreamConnection connection) throws IOException {
        if (connection.status() != 200) {
            respond(exchange, connection.status(), connection.body().getBytes(StandardCharsets.UTF_8));
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String chunk : connection.lines()) {
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (connection.hangMillis() > 0) {
                Thread.sleep(connection.hangMillis());
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static Response notFound() {
        return new Response(404, "{\"error\": \"unknown run\"}");
    }

    public static Response unavailable() {
        return new Response(503, "starting");
    }

    /** A run view in report-svc's shape (docs/PIPELINE-SEMANTICS.md), with counts and targets as given. */
    public static Response run(String runId, String state, String outcome, int expected, String countsJson,
            String targetsJson) {
        return new Response(200, """
                {"runId": "%s", "state": "%s", "outcome": %s, "reason": null,
                 "patch": {"id": "demo-app", "version": "1.1.0"}, "requestedBy": "alice",
                 "requestedAt": "2026-11-20T09:00:00Z", "completedAt": null, "dryRun": false,
                 "expectedTargets": %d, "counts": %s, "reportLocation": "s3://patchflow/reports/%s/",
                 "targets": %s, "somethingNew": {"ignored": true}}
                """.formatted(runId, state, outcome == null ? "null" : "\"" + outcome + "\"", expected, countsJson,
                runId, targetsJson));
    }

    /** A run view of a halted run, as report-svc shows it: state HALTED, its cause and the runner's reason. */
    public static Response haltedRun(String runId, String haltCause, String reason, int expected, String countsJson,
            String targetsJson) {
        return new Response(200, """
                {"runId": "%s", "state": "HALTED", "haltCause": "%s", "outcome": null, "reason": "%s",
                 "patch": {"id": "demo-app", "version": "1.1.0"}, "requestedBy": "alice",
                 "requestedAt": "2026-11-20T09:00:00Z", "completedAt": null, "dryRun": false,
                 "expectedTargets": %d, "counts": %s, "reportLocation": null, "targets": %s}
                """.formatted(runId, haltCause, reason, expected, countsJson, targetsJson));
    }

    public static String counts(int scanned, int backedUp, int applied, int patchFailed, int validationPassed,
            int validationFailed) {
        int failed = patchFailed + validationFailed;
        return """
                {"scanned": %d, "backedUp": %d, "backupSkipped": 0, "backupFailed": 0, "applied": %d,
                 "alreadyApplied": 0, "dryRun": 0, "patchSkipped": 0, "patchFailed": %d,
                 "validationPassed": %d, "validationFailed": %d, "terminal": %d, "succeeded": %d, "failed": %d}
                """.formatted(scanned, backedUp, applied, patchFailed, validationPassed, validationFailed,
                validationPassed + failed, validationPassed, failed);
    }

    public static String target(String id, String status, String phase, String reason) {
        return """
                {"targetId": "%s", "name": "%s", "kind": "directory", "status": "%s", "phase": "%s", "reason": %s,
                 "backup": {"status": "COMPLETED"}, "patch": {"status": "APPLIED", "exitCode": 0},
                 "validation": {"status": "PASSED", "checks": [], "failed": []}}
                """.formatted(id, id, status, phase, reason == null ? "null" : "\"" + reason + "\"");
    }
}
