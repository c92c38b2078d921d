package dev.patchflow.kit.messaging;

import java.util.ArrayList;
import java.util.List;

/** Valid events a handler refuses for good (e.g. a run id reused by a different request): dead-lettered. */
public final class Refusals {

    record Refusal(IncomingEvent event, String reason) {
    }

    private final List<Refusal> refused = new ArrayList<>();

    public synchronized void refuse(IncomingEvent event, String reason) {
        refused.add(new Refusal(event, reason));
    }

    synchronized List<Refusal> all() {
        return List.copyOf(refused);
    }
}
