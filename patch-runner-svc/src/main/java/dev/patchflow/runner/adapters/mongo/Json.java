package dev.patchflow.runner.adapters.mongo;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.patchflow.schemas.EventJson;

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
