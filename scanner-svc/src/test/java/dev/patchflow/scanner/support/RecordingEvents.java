package dev.patchflow.scanner.support;

import java.util.ArrayList;
import java.util.List;

import dev.patchflow.scanner.domain.ScanEvents;
import dev.patchflow.schemas.events.PatchflowEvent;

/** Collects what the scanner publishes; can refuse events after a number of them, like a broker going away. */
public final class RecordingEvents implements ScanEvents {

    public final List<PatchflowEvent> published = new ArrayList<>();
    private int failAfter = Integer.MAX_VALUE;

    public void failAfter(int events) {
        this.failAfter = events;
    }

    @Override
    public void publishAll(List<? extends PatchflowEvent> events) {
        for (PatchflowEvent event : events) {
            if (published.size() >= failAfter) {
                throw new IllegalStateException("broker gone");
            }
            published.add(event);
        }
    }
}
