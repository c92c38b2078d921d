package dev.patchflow.schemas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * The one serde of the contract: CloudEvents 1.0, Kafka binary content mode. Encoding writes the
 * {@code ce_*} headers and the JSON body; decoding checks the headers, validates the body against its
 * JSON Schema and maps it to the Java record. Anything that does not pass is an
 * {@link InvalidEventException} whose message is the dead-letter reason.
 */
public final class EventCodec {

    private static final List<String> REQUIRED_HEADERS = List.of(CloudEventHeaders.ID, CloudEventHeaders.SOURCE,
            CloudEventHeaders.TYPE, CloudEventHeaders.SPEC_VERSION);

    private final ObjectMapper mapper = EventJson.mapper();
    private final EventSchemas schemas = EventSchemas.instance();

    /** The JSON body of an event. */
    public byte[] body(PatchflowEvent event) {
        try {
            return mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event.getClass().getSimpleName(), e);
        }
    }

    /** The {@code ce_*} headers of an event, in a stable order. */
    public Map<String, String> headers(CloudEvent<?> event) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CloudEventHeaders.ID, event.id());
        headers.put(CloudEventHeaders.SOURCE, event.source());
        headers.put(CloudEventHeaders.TYPE, event.type().ceType());
        headers.put(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0);
        headers.put(CloudEventHeaders.TIME, event.time().toString());
        headers.put(CloudEventHeaders.SUBJECT, event.subject());
        headers.put(CloudEventHeaders.RUN_ID, event.runId());
        headers.put(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.APPLICATION_JSON);
        return headers;
    }

    /** A Kafka record for the event's own topic, keyed by {@code runId/targetId}. */
    public ProducerRecord<String, byte[]> toRecord(CloudEvent<?> event) {
        Headers headers = new RecordHeaders();
        headers(event).forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(event.type().topic(), null, event.key(), body(event.data()), headers);
    }

    /** Decodes a consumed record; see {@link #decode(Map, byte[])}. */
    public CloudEvent<?> decode(ConsumerRecord<?, byte[]> record) {
        return decode(headerMap(record.headers()), record.value());
    }

    /**
     * Decodes headers and body into an event.
     *
     * @throws InvalidEventException naming what is wrong: a missing header, an unknown type, a body
     *         that is not JSON, or the schema errors with the offending fields
     */
    public CloudEvent<?> decode(Map<String, String> headers, byte[] body) {
        for (String name : REQUIRED_HEADERS) {
            String value = headers.get(name);
            if (value == null || value.isBlank()) {
                throw new InvalidEventException("missing CloudEvents header " + name);
            }
        }
        if (!CloudEventHeaders.SPEC_VERSION_1_0.equals(headers.get(CloudEventHeaders.SPEC_VERSION))) {
            throw new InvalidEventException("unsupported ce_specversion " + headers.get(CloudEventHeaders.SPEC_VERSION)
                    + " (expected 1.0)");
        }
        String ceType = headers.get(CloudEventHeaders.TYPE);
        EventType type = EventType.fromCeType(ceType)
                .orElseThrow(() -> new InvalidEventException("unknown ce_type " + ceType));
        PatchflowEvent data = decodeBody(type, body);
        Instant time = parseTime(headers.get(CloudEventHeaders.TIME));
        String subject = headers.getOrDefault(CloudEventHeaders.SUBJECT,
                data.targetId() == null ? data.runId() : data.targetId());
        String runId = headers.get(CloudEventHeaders.RUN_ID);
        if (runId != null && !runId.equals(data.runId())) {
            throw new InvalidEventException("ce_runid " + runId + " does not match the body's runId " + data.runId());
        }
        return new CloudEvent<>(headers.get(CloudEventHeaders.ID), headers.get(CloudEventHeaders.SOURCE), type, time,
                subject, data.runId(), data);
    }

    /** Validates a JSON body against the schema of {@code type} and maps it to its record. */
    public PatchflowEvent decodeBody(EventType type, byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidEventException(type.simpleName() + ": empty body");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (IOException e) {
            throw new InvalidEventException(type.simpleName() + ": body is not JSON: " + firstLine(e.getMessage()));
        }
        List<String> errors = schemas.errors(type, tree);
        if (!errors.isEmpty()) {
            throw new InvalidEventException(type.simpleName() + " fails its schema: " + String.join("; ", errors));
        }
        try {
            return mapper.treeToValue(tree, type.javaType());
        } catch (IOException e) {
            throw new InvalidEventException(type.simpleName() + ": " + firstLine(e.getMessage()));
        }
    }

    /** Kafka headers as a map of UTF-8 strings; the last value wins for a repeated name. */
    public static Map<String, String> headerMap(Headers headers) {
        Map<String, String> map = new LinkedHashMap<>();
        if (headers != null) {
            for (Header header : headers) {
                map.put(header.key(),
                        header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return map;
    }

    private static Instant parseTime(String time) {
        if (time == null || time.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("ce_time is not an RFC 3339 timestamp: " + time);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
