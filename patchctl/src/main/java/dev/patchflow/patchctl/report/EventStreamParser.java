package dev.patchflow.patchctl.report;

import java.util.Optional;

/**
 * The W3C {@code text/event-stream} format (HTML Living Standard, "Server-sent events", parsing an event stream),
 * fed one line at a time (the line terminator already removed, as {@code HttpResponse.BodyHandlers.ofLines()} gives
 * them): {@code event:}, {@code data:} (several are joined with newlines), {@code id:}, comment lines starting with
 * {@code :} (report-svc's heartbeats) and unknown fields are ignored, {@code retry:} too (patchctl reconnects on its own
 * schedule); a blank line dispatches the event, an event without data is dropped. The JDK has no SSE client and
 * patchctl has no HTTP library beyond the JDK's HttpClient: this is the whole of the format it needs.
 */
public final class EventStreamParser {

    private String name;
    private String id;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** Reads one line; returns the event a blank line completes. */
    public Optional<ServerSentEvent> line(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> name = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    id = value;
                }
            }
            default -> {
                // retry and unknown fields
            }
        }
        return Optional.empty();
    }

    private Optional<ServerSentEvent> dispatch() {
        Optional<ServerSentEvent> event = hasData
                ? Optional.of(new ServerSentEvent(name == null || name.isEmpty() ? "message" : name, id,
                        data.toString()))
                : Optional.empty();
        name = null;
        data.setLength(0);
        hasData = false;
        return event;
    }
}
