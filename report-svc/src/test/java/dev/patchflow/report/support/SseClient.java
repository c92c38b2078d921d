package dev.patchflow.report.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads a {@code text/event-stream} answer line by line on a background thread, as a browser's EventSource would:
 * events (name, data) and comments in the order they came, and whether the server ended the stream.
 */
public final class SseClient implements AutoCloseable {

    /** An event ({@code comment} null) or a comment line ({@code name} and {@code data} null). */
    public record Event(String name, String data, String comment) {
    }

    private final BlockingQueue<Event> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final HttpResponse<Stream<String>> response;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
    }

    /** Opens the stream (waits for the status line); {@code token} may be null. */
    public static SseClient open(URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(120));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofLines());
        SseClient client = new SseClient(response);
        if (response.statusCode() == 200) {
            Thread reader = new Thread(client::read, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        } else {
            response.body().close();
            client.ended.complete(null);
        }
        return client;
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private void read() {
        String name = null;
        List<String> data = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        received.add(new Event(name == null ? "message" : name, String.join("\n", data), null));
                    }
                    name = null;
                    data.clear();
                } else if (line.startsWith(":")) {
                    received.add(new Event(null, null, line.substring(1).strip()));
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                }
            }
            ended.complete(null);
        } catch (RuntimeException e) {
            ended.completeExceptionally(e);
        }
    }

    /** The next event or comment, waiting at most {@code seconds}; null if none came. */
    public Event next(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    /** Whether the server ended the stream within {@code seconds}. */
    public boolean endsWithin(long seconds) {
        try {
            ended.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Goes away as a client does: closes the connection. */
    @Override
    public void close() {
        response.body().close();
    }
}
