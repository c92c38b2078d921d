package dev.patchflow.scanner.domain;

import java.util.List;

import dev.patchflow.schemas.events.PatchflowEvent;

/** Where scan results go (the {@code patchflow.scans} topic). */
public interface ScanEvents {

    /**
     * Publishes the events and returns once the broker has acknowledged every one of them.
     *
     * @throws RuntimeException when one was refused or not acknowledged in time
     */
    void publishAll(List<? extends PatchflowEvent> events);
}
