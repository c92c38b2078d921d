package dev.patchflow.schemas;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates event bodies against the JSON Schema files of this module. Each error names the
 * offending field as a JSON path, e.g. {@code $.options.dryRun: string found, boolean expected}.
 */
public final class EventSchemas {

    /** The {@code $id} prefix of our schema files, mapped to the classpath so nothing is fetched. */
    public static final String ID_PREFIX = "https://patchflow.dev/schemas/json/";

    private static final EventSchemas INSTANCE = new EventSchemas();

    private final Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);

    private EventSchemas() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, "classpath:schemas/json/")));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .pathType(com.networknt.schema.PathType.JSON_PATH)
                .build();
        for (EventType type : EventType.values()) {
            schemas.put(type, factory.getSchema(com.networknt.schema.SchemaLocation.of(ID_PREFIX + type.simpleName()
                    + ".schema.json"), config));
        }
    }

    public static EventSchemas instance() {
        return INSTANCE;
    }

    /** Errors of {@code body} against the schema of {@code type}; empty when valid. */
    public List<String> errors(EventType type, JsonNode body) {
        Set<ValidationMessage> messages = schemas.get(type).validate(body);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** As {@link #errors(EventType, JsonNode)} for raw JSON text. */
    public List<String> errors(EventType type, String json) {
        Set<ValidationMessage> messages = schemas.get(type).validate(json, InputFormat.JSON);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
