package dev.patchflow.patchctl.report;

/**
 * One event of a {@code text/event-stream} ({@link EventStreamParser}): its {@code event} name ({@code message} when
 * the server gave none), {@code id} (null when none) and {@code data} (its data lines joined by newlines).
 */
public record ServerSentEvent(String name, String id, String data) {
}
