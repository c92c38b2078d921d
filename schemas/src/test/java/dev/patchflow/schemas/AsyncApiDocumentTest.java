package dev.patchflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The AsyncAPI document and the Java contract name the same topics and types. */
class AsyncApiDocumentTest {

    private static final Path SCHEMAS_DIR = Path.of(System.getProperty("schemas.dir", "."));

    @Test
    void everyEventTypeIsDeclaredOnItsTopicWithItsSchemaFile() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(SCHEMAS_DIR.resolve("asyncapi.yaml").toFile());
        assertThat(doc.path("asyncapi").asText()).startsWith("3.");

        Map<String, String> topicOfMessage = new HashMap<>();
        doc.path("channels").forEach(channel -> channel.path("messages").fieldNames()
                .forEachRemaining(message -> topicOfMessage.put(message, channel.path("address").asText())));

        for (EventType type : EventType.values()) {
            assertThat(topicOfMessage).as(type.simpleName()).containsEntry(type.simpleName(), type.topic());
            JsonNode message = doc.path("components").path("messages").path(type.simpleName());
            assertThat(message.path("name").asText()).isEqualTo(type.ceType());
            String schemaRef = message.path("payload").path("schema").path("$ref").asText();
            assertThat(SCHEMAS_DIR.resolve(schemaRef)).exists();
        }
    }

    @Test
    void everyStageTopicHasItsDeadLetterTopicDeclared() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(SCHEMAS_DIR.resolve("asyncapi.yaml").toFile());
        java.util.Set<String> addresses = new java.util.HashSet<>();
        doc.path("channels").forEach(channel -> addresses.add(channel.path("address").asText()));
        for (String topic : Topics.STAGES) {
            assertThat(addresses).contains(topic, Topics.deadLetter(topic));
        }
    }
}
