package dev.patchflow.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

class CredentialsTest {

    private static final String SECRET_VALUE = "s3cr3t-v4lue-never-logged";

    @TempDir
    Path dir;

    @Test
    void readsAnEnvironmentVariableFirstThenAFileVariableThenMountedFiles() throws Exception {
        Path file = Files.writeString(dir.resolve("uri.txt"), "mongodb://from-file\n");
        Path mounted = Files.createDirectories(dir.resolve("secrets/rule-engine-vault"));
        Files.writeString(mounted.resolve("vault-token"), "hvs.mounted\n");
        Files.writeString(dir.resolve("secrets/s3-endpoint"), "http://minio:9000");

        Credentials env = new Credentials(Map.of("MONGODB_URI", "mongodb://from-env"), List.of(dir.resolve("secrets")));
        assertThat(env.require("mongodb-uri").reveal()).isEqualTo("mongodb://from-env");
        assertThat(env.require("mongodb-uri").origin()).isEqualTo("$MONGODB_URI");

        Credentials fileVariable = new Credentials(Map.of("MONGODB_URI_FILE", file.toString()),
                List.of(dir.resolve("secrets")));
        assertThat(fileVariable.require("mongodb-uri").reveal()).isEqualTo("mongodb://from-file");

        Credentials mountedOnly = new Credentials(Map.of(), List.of(dir.resolve("secrets")));
        assertThat(mountedOnly.require("vault-token").reveal()).isEqualTo("hvs.mounted");
        assertThat(mountedOnly.require("s3-endpoint").reveal()).isEqualTo("http://minio:9000");
        assertThat(mountedOnly.find("minio-access-key")).isEmpty();
    }

    @Test
    void aMissingCredentialSaysWhereItWasLookedForAndASecretNeverPrintsItsValue() {
        Credentials none = new Credentials(Map.of(), List.of(dir));
        assertThatThrownBy(() -> none.require("mongodb-uri")).hasMessage("credential 'mongodb-uri' not found: set "
                + "MONGODB_URI or MONGODB_URI_FILE, or mount a file named mongodb-uri in " + dir + "[/<secret>]");

        Secret secret = new Credentials(Map.of("VAULT_TOKEN", SECRET_VALUE), List.of()).require("vault-token");
        assertThat(secret.toString()).isEqualTo("****");
        assertThat(String.valueOf(secret)).doesNotContain(SECRET_VALUE);
    }

    @Test
    void noSecretValueReachesThePatchLog() throws Exception {
        Credentials credentials = new Credentials(Map.of("VAULT_TOKEN", SECRET_VALUE, "MONGODB_URI",
                "mongodb://user:" + SECRET_VALUE + "@db:27017"), List.of());
        BasePatch careless = new BasePatch() {

            @Override
            public String name() {
                return "careless";
            }

            @Override
            protected PatchResult execute() {
                // A patch author logging the credential objects by mistake.
                log().info("token " + credentials.require("vault-token") + " uri "
                        + credentials.require("mongodb-uri") + " from " + credentials.require("mongodb-uri").origin());
                throw new IllegalStateException("cannot connect with " + credentials.require("mongodb-uri"));
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(PatchMain.run(List.of(careless))).isEqualTo(PatchMain.RETRYABLE);
        } finally {
            System.setOut(previous);
        }
        String log = out.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("token **** uri **** from $MONGODB_URI").contains("cannot connect with ****")
                .doesNotContain(SECRET_VALUE);
    }

    @Test
    void readsAKvSecretFromVault() throws Exception {
        HttpServer vault = HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        vault.createContext("/v1/secret/data/rule-engine", exchange -> {
            boolean authorized = "hvs.token".equals(exchange.getRequestHeaders().getFirst("X-Vault-Token"));
            byte[] body = (authorized
                    ? "{\"data\":{\"data\":{\"api-key\":\"k-123\"},\"metadata\":{\"version\":3}}}"
                    : "{\"errors\":[\"permission denied\"]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(authorized ? 200 : 403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        vault.start();
        try {
            String address = "http://127.0.0.1:" + vault.getAddress().getPort();
            VaultKv kv = new Credentials(Map.of("VAULT_ADDR", address, "VAULT_TOKEN", "hvs.token"), List.of()).vault();
            Map<String, Secret> secrets = kv.read("secret/data/rule-engine");
            assertThat(secrets.get("api-key").reveal()).isEqualTo("k-123");
            assertThat(secrets.get("api-key").origin()).isEqualTo("vault:secret/data/rule-engine#api-key");
            VaultKv wrong = new Credentials(Map.of("VAULT_ADDR", address, "VAULT_TOKEN", "nope"), List.of()).vault();
            assertThatThrownBy(() -> wrong.read("secret/data/rule-engine"))
                    .hasMessage("Vault answered HTTP 403 for " + address + "/v1/secret/data/rule-engine");
        } finally {
            vault.stop(0);
        }
    }
}
