package dev.patchflow.schemas;

import java.time.Instant;

import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * A CloudEvents 1.0 envelope around one Patchflow event. In Kafka the attributes travel as
 * {@code ce_*} headers and {@link #data()} is the JSON body (binary content mode).
 *
 * @param id deterministic for the fact, see {@link EventIds}
 * @param source the producing service, e.g. {@code /patchflow/scanner-svc}
 * @param subject the target id, or the run id for run-level events
 */
public record CloudEvent<T extends PatchflowEvent>(String id, String source, EventType type, Instant time,
        String subject, String runId, T data) {

    /** Wraps an event with the attributes derived from it: deterministic id, subject, run id. */
    public static <T extends PatchflowEvent> CloudEvent<T> of(String source, T data) {
        return of(source, data, 0);
    }

    /** As {@link #of(String, PatchflowEvent)}, for a repeated attempt at the same fact. */
    public static <T extends PatchflowEvent> CloudEvent<T> of(String source, T data, int attempt) {
        EventType type = EventType.of(data.getClass());
        String subject = data.targetId() == null ? data.runId() : data.targetId();
        return new CloudEvent<>(EventIds.of(type, data.runId(), data.factId(), attempt), source, type, Instant.now(),
                subject, data.runId(), data);
    }

    /** The Kafka key: {@code runId/targetId} or {@code runId}. */
    public String key() {
        return EventIds.key(runId, data.targetId());
    }

    @SuppressWarnings("unchecked")
    public <E extends PatchflowEvent> CloudEvent<E> as(Class<E> type) {
        if (!type.isInstance(data)) {
            throw new ClassCastException(this.type.simpleName() + " is not a " + type.getSimpleName());
        }
        return (CloudEvent<E>) this;
    }
}
