package dev.patchflow.schemas;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic event ids: the same fact (type, run, target, attempt) always gets the same id, so a
 * redelivered or re-emitted event is recognised downstream as a duplicate.
 */
public final class EventIds {

    private EventIds() {
    }

    public static String of(EventType type, String runId, String targetId, int attempt) {
        String fact = type.simpleName() + '\n' + runId + '\n' + (targetId == null ? "" : targetId) + '\n' + attempt;
        return UUID.nameUUIDFromBytes(fact.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Kafka key: {@code runId/targetId} for target events, {@code runId} for run-level events. */
    public static String key(String runId, String targetId) {
        return targetId == null ? runId : runId + '/' + targetId;
    }
}
