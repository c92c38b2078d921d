package dev.patchflow.patchctl.report;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An open {@code GET /api/runs/{id}/stream} ({@link ReportApi#stream}): its lines are read on a daemon thread and
 * parsed as they come, so that the follower can wait for the next event with a timeout (a stream that stays silent
 * longer than a few heartbeats is dead, whatever TCP says). Close it to drop the connection.
 */
public final class RunStream implements AutoCloseable {

    /** What the next call to {@link #next} found. */
    public sealed interface Next {
    }

    /** An event arrived. */
    public record Event(ServerSentEvent event) implements Next {
    }

    /** The server ended the stream, or the connection broke ({@code cause} null for a clean end). */
    public record Ended(Exception cause) implements Next {
    }

    /** A comment line (report-svc's heartbeat): the stream is alive, nothing changed. */
    public record Heartbeat() implements Next {
    }

    /** Nothing arrived in time. */
    public record Silent() implements Next {
    }

    private final Stream<String> lines;
    private final BlockingQueue<Next> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    RunStream(Stream<String> lines) {
        this.lines = lines;
        Thread reader = new Thread(this::read, "patchctl-run-stream");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        EventStreamParser parser = new EventStreamParser();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                Optional<ServerSentEvent> event = parser.line(line);
                event.ifPresent(e -> queue.add(new Event(e)));
                if (line.startsWith(":")) {
                    queue.add(new Heartbeat());
                }
            }
            queue.add(new Ended(null));
        } catch (RuntimeException e) {
            queue.add(new Ended(closed ? null : e));
        }
    }

    /** The next event, heartbeat, the end of the stream, or {@link Silent} after {@code timeoutMillis} without either. */
    public Next next(long timeoutMillis) {
        try {
            Next next = queue.poll(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS);
            return next == null ? new Silent() : next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FollowTimeoutException("interrupted while waiting");
        }
    }

    @Override
    public void close() {
        closed = true;
        lines.close();
    }
}
