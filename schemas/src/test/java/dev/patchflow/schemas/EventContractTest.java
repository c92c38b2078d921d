package dev.patchflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchflowEvent;

/** The schema files, the examples and the Java types describe one and the same contract. */
class EventContractTest {

    private static final Path SCHEMAS_DIR = Path.of(System.getProperty("schemas.dir", "."));
    private static final ObjectMapper MAPPER = EventJson.mapper();
    private final EventCodec codec = new EventCodec();

    static Stream<EventType> types() {
        return Arrays.stream(EventType.values());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyEventTypeHasASchemaFileAndAValidExample(EventType type) {
        assertThat(SCHEMAS_DIR.resolve("json/" + type.simpleName() + ".schema.json")).exists();
        assertThat(example(type)).exists();
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void validExampleValidatesAndRoundTripsThroughTheJavaType(EventType type) throws IOException {
        JsonNode example = MAPPER.readTree(example(type).toFile());
        assertThat(EventSchemas.instance().errors(type, example)).isEmpty();

        PatchflowEvent event = codec.decodeBody(type, MAPPER.writeValueAsBytes(example));
        assertThat(event).isInstanceOf(type.javaType());

        JsonNode reserialized = MAPPER.readTree(codec.body(event));
        assertThat(EventSchemas.instance().errors(type, reserialized)).isEmpty();
        assertThat(MAPPER.treeToValue(reserialized, type.javaType())).isEqualTo(event);
        assertThatEveryExampleFieldSurvives(example, reserialized, "$");
    }

    /**
     * Examples of one type for one target kind or variant: {@code examples/valid/<Type>-<variant>.json}, e.g.
     * {@code InstanceScanned-aws-ec2.json}. Each must validate and survive the Java round trip like the main one.
     */
    static Stream<Arguments> variantExamples() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(SCHEMAS_DIR.resolve("examples/valid"))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash > 0 && name.endsWith(".json")) {
                    String typeName = name.substring(0, dash);
                    EventType type = Arrays.stream(EventType.values())
                            .filter(t -> t.simpleName().equals(typeName))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(name + " names no event type"));
                    cases.add(Arguments.of(name, type));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variantExamples")
    void variantExampleValidatesAndRoundTripsThroughTheJavaType(String file, EventType type) throws IOException {
        JsonNode example = MAPPER.readTree(SCHEMAS_DIR.resolve("examples/valid/" + file).toFile());
        assertThat(EventSchemas.instance().errors(type, example)).isEmpty();

        PatchflowEvent event = codec.decodeBody(type, MAPPER.writeValueAsBytes(example));
        JsonNode reserialized = MAPPER.readTree(codec.body(event));
        assertThat(EventSchemas.instance().errors(type, reserialized)).isEmpty();
        assertThat(MAPPER.treeToValue(reserialized, type.javaType())).isEqualTo(event);
        assertThatEveryExampleFieldSurvives(example, reserialized, "$");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void javaTypeBuiltWithOnlyRequiredFieldsSerializesToSchemaValidJson(EventType type) throws IOException {
        // A record built from the example and re-emitted by our own serializer must validate: this is
        // what every producer does, so defaults and NON_EMPTY inclusion must never drop a required field.
        PatchflowEvent event = MAPPER.readValue(example(type).toFile(), type.javaType());
        CloudEvent<?> envelope = CloudEvent.of("/patchflow/test", event);
        ProducerRecord<String, byte[]> record = codec.toRecord(envelope);

        assertThat(record.topic()).isEqualTo(type.topic());
        assertThat(EventSchemas.instance().errors(type, new String(record.value(), StandardCharsets.UTF_8))).isEmpty();
    }

    static Stream<Arguments> invalidExamples() throws IOException {
        JsonNode expected = MAPPER.readTree(SCHEMAS_DIR.resolve("examples/invalid/expected.json").toFile());
        List<Arguments> cases = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            cases.add(Arguments.of(entry.getKey(), entry.getValue().get("type").asText(),
                    entry.getValue().get("field").asText()));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidExamples")
    void invalidExampleIsRejectedWithAMessageNamingTheOffendingField(String file, String typeName, String field)
            throws IOException {
        EventType type = EventType.valueOf(typeName.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
        byte[] body = Files.readAllBytes(SCHEMAS_DIR.resolve("examples/invalid/" + file));

        assertThatThrownBy(() -> codec.decodeBody(type, body))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(field);
    }

    @Test
    void everyInvalidExampleFileIsListedWithItsExpectedField() throws IOException {
        JsonNode expected = MAPPER.readTree(SCHEMAS_DIR.resolve("examples/invalid/expected.json").toFile());
        try (Stream<Path> files = Files.list(SCHEMAS_DIR.resolve("examples/invalid"))) {
            files.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals("expected.json"))
                    .forEach(name -> assertThat(expected.has(name)).as(name + " in expected.json").isTrue());
        }
    }

    @Test
    void encodedRecordCarriesCloudEventsBinaryModeHeadersAndDecodesBack() throws IOException {
        PatchRequested request = MAPPER.readValue(example(EventType.PATCH_REQUESTED).toFile(), PatchRequested.class);
        CloudEvent<PatchRequested> event = CloudEvent.of("/patchflow/patchctl", request);

        ProducerRecord<String, byte[]> record = codec.toRecord(event);
        Map<String, String> headers = EventCodec.headerMap(record.headers());

        assertThat(headers).containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_type", "dev.patchflow.PatchRequested")
                .containsEntry("ce_source", "/patchflow/patchctl")
                .containsEntry("ce_subject", request.runId())
                .containsEntry("ce_runid", request.runId())
                .containsEntry("content-type", "application/json")
                .containsKeys("ce_id", "ce_time");
        assertThat(record.key()).isEqualTo(request.runId());

        ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>(record.topic(), 0, 0L, record.key(),
                record.value());
        for (Header header : record.headers()) {
            consumed.headers().add(header);
        }
        CloudEvent<?> decoded = codec.decode(consumed);
        assertThat(decoded.data()).isEqualTo(request);
        assertThat(decoded.id()).isEqualTo(event.id());
    }

    @Test
    void sameFactGetsTheSameEventIdAndAnotherAttemptGetsAnother() {
        String first = EventIds.of(EventType.INSTANCE_SCANNED, "run-1", "t-1", 0);
        assertThat(EventIds.of(EventType.INSTANCE_SCANNED, "run-1", "t-1", 0)).isEqualTo(first);
        assertThat(EventIds.of(EventType.INSTANCE_SCANNED, "run-1", "t-2", 0)).isNotEqualTo(first);
        assertThat(EventIds.of(EventType.INSTANCE_SCANNED, "run-1", "t-1", 1)).isNotEqualTo(first);
        assertThat(EventIds.of(EventType.BACKUP_COMPLETED, "run-1", "t-1", 0)).isNotEqualTo(first);
    }

    @Test
    void recordWithoutCloudEventsHeadersOrWithUnknownTypeIsRejectedWithTheReason() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(Map.of(), body)).hasMessageContaining("ce_id");
        Map<String, String> unknownType = Map.of("ce_id", "1", "ce_source", "/x", "ce_specversion", "1.0",
                "ce_type", "dev.patchflow.Nonsense");
        assertThatThrownBy(() -> codec.decode(unknownType, body)).hasMessageContaining("unknown ce_type");
        Map<String, String> requested = Map.of("ce_id", "1", "ce_source", "/x", "ce_specversion", "1.0",
                "ce_type", "dev.patchflow.PatchRequested");
        assertThatThrownBy(() -> codec.decode(requested, "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("not JSON");
    }

    private static Path example(EventType type) {
        return SCHEMAS_DIR.resolve("examples/valid/" + type.simpleName() + ".json");
    }

    /** Every field of the example is still there, with the same value, after the Java round trip. */
    private static void assertThatEveryExampleFieldSurvives(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            expected.fields().forEachRemaining(field -> {
                assertThat(actual.has(field.getKey())).as(path + "." + field.getKey() + " survives").isTrue();
                assertThatEveryExampleFieldSurvives(field.getValue(), actual.get(field.getKey()),
                        path + "." + field.getKey());
            });
        } else if (expected.isArray()) {
            assertThat(actual.size()).as(path + " size").isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThatEveryExampleFieldSurvives(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        } else if (expected.isTextual() && expected.asText().matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
            assertThat(java.time.Instant.parse(actual.asText())).as(path)
                    .isEqualTo(java.time.Instant.parse(expected.asText()));
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }
}
