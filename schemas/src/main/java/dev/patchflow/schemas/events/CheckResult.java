package dev.patchflow.schemas.events;

/** The outcome of one check; {@code detail} says why it failed (or what it saw). */
public record CheckResult(String name, String type, boolean passed, String detail) {
}
