package dev.patchflow.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a secret from Vault's KV engine over its HTTP API ({@code GET /v1/<path>} with {@code X-Vault-Token});
 * KV v2 ({@code data.data}) and v1 ({@code data}). Values come back as {@link Secret}s.
 */
public final class VaultKv {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String address;
    private final Secret token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public VaultKv(String address, Secret token) {
        this.address = address.replaceAll("/+$", "");
        this.token = token;
    }

    /** e.g. {@code read("secret/data/rule-engine")}. */
    public Map<String, Secret> read(String path) throws IOException, InterruptedException {
        URI uri = URI.create(address + "/v1/" + path.replaceAll("^/+", ""));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("X-Vault-Token", token.reveal()).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Vault answered HTTP " + response.statusCode() + " for " + uri);
        }
        JsonNode data = JSON.readTree(response.body()).path("data");
        JsonNode values = data.has("data") && data.get("data").isObject() ? data.get("data") : data;
        Map<String, Secret> secrets = new LinkedHashMap<>();
        values.fields().forEachRemaining(e -> secrets.put(e.getKey(), new Secret(e.getValue().asText(),
                "vault:" + path + "#" + e.getKey())));
        return secrets;
    }
}
