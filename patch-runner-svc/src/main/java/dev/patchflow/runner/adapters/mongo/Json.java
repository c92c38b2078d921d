package dev.patchflow.runner.adapters.mongo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.RunContext;

/**
 * Event payloads are stored as JSON strings, not as BSON sub-documents: label keys such as
 * {@code app.kubernetes.io/name} would be illegal BSON field names, and the stored text is exactly what
 * the contract's mapper reads back.
 */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        try {
            return EventJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** How many runs' contexts {@link #readRun} keeps: the runs a runner works on at once, with room to spare. */
    private static final int RUNS_KEPT = 32;
    private static final Map<String, RunContext> RECENT_RUNS = Collections.synchronizedMap(
            new LinkedHashMap<>(RUNS_KEPT * 2, 0.75f, true) {

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, RunContext> eldest) {
                    return size() > RUNS_KEPT;
                }
            });

    /**
     * A stored run context, parsed once per run instead of once per claim: every target record and rollout document
     * of a run stores the same text, and each claim, admission and finish read it again. The text is the key, so an
     * entry is exactly what parsing it gives; the contract's records are immutable, so one instance serves all.
     */
    static RunContext readRun(String json) {
        if (json == null) {
            return null;
        }
        RunContext known = RECENT_RUNS.get(json);
        if (known != null) {
            return known;
        }
        RunContext read = read(json, RunContext.class);
        RECENT_RUNS.put(json, read);
        return read;
    }

    static <T> T read(String json, Class<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return EventJson.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable", e);
        }
    }
}
