package dev.patchflow.validator.adapters.sql;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.sqlschema.SchemaPlans;
import dev.patchflow.sqlschema.live.Connections;
import dev.patchflow.sqlschema.parse.SchemaParseException;
import dev.patchflow.sqlschema.plan.Plan;
import dev.patchflow.validator.domain.HealthCheck;

/**
 * {@code schema}: the live schema of a {@code mysql} target equals the desired one, i.e. the plan from the live
 * schema to it is empty (the same parser, normalization and diff as the {@code sql-schema} executor). The desired
 * schema is the check's {@code url} ({@code s3://bucket/key} or {@code http(s)://}), else the run's
 * {@code patch.parameters.schema}. S3 is read with {@code patchflow.s3.*} (optional here: only this check needs it).
 */
@Singleton
public class SchemaCheck implements HealthCheck {

    private static final int MAX_BYTES = 16 * 1024 * 1024;

    private final Optional<String> endpoint;
    private final Optional<String> accessKey;
    private final Optional<String> secretKey;
    private final String region;
    private final Connections connections;

    @Inject
    public SchemaCheck(@ConfigProperty(name = "patchflow.s3.endpoint") Optional<String> endpoint,
            @ConfigProperty(name = "patchflow.s3.access-key") Optional<String> accessKey,
            @ConfigProperty(name = "patchflow.s3.secret-key") Optional<String> secretKey,
            @ConfigProperty(name = "patchflow.s3.region", defaultValue = "us-east-1") String region) {
        this(endpoint, accessKey, secretKey, region, new Connections());
    }

    public SchemaCheck(Optional<String> endpoint, Optional<String> accessKey, Optional<String> secretKey,
            String region, Connections connections) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.region = region;
        this.connections = connections;
    }

    @Override
    public String type() {
        return CheckSpec.SCHEMA;
    }

    @Override
    public CheckResult run(CheckSpec spec, Target target, RunContext run) {
        DatabaseTarget database = target.database();
        if (database == null || database.url() == null || database.url().isBlank()) {
            return failed(spec, "target " + target.id() + " has no database.url to read a schema from");
        }
        String location = spec.url() != null && !spec.url().isBlank()
                ? spec.url()
                : run.patch() == null ? null : run.patch().parameters().get("schema");
        if (location == null || location.isBlank()) {
            return failed(spec, "no desired schema: give the check a url or run a sql-schema patch");
        }
        String desired;
        try {
            desired = read(location, spec.timeoutSeconds() == null ? 30 : spec.timeoutSeconds());
        } catch (IOException e) {
            return failed(spec, "cannot read the desired schema " + location + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(spec, "interrupted");
        }
        String schemaName;
        try {
            schemaName = database.schema() != null && !database.schema().isBlank()
                    ? database.schema()
                    : SchemaPlans.schemaOf(database.url());
        } catch (IllegalArgumentException e) {
            return failed(spec, e.getMessage());
        }
        try (Connection connection = connections.open(database.url(), database.credentialsRef())) {
            SchemaPlans.LivePlan plan = SchemaPlans.plan(connection, schemaName, location, desired);
            Plan rest = plan.plan();
            if (rest.isEmpty()) {
                return new CheckResult(spec.name(), spec.type(), true, "schema `" + schemaName
                        + "` equals the desired one (" + plan.live().schema().tables().size() + " tables)");
            }
            return failed(spec, "schema `" + schemaName + "` differs from the desired one: "
                    + rest.statements().stream().flatMap(statement -> statement.changes().stream())
                            .map(change -> change.description()).limit(10).collect(Collectors.joining("; ")));
        } catch (SQLException e) {
            return failed(spec, "cannot read schema `" + schemaName + "`: " + e.getMessage());
        } catch (SchemaParseException e) {
            return failed(spec, "unreadable schema: " + e.getMessage());
        }
    }

    private String read(String location, int timeoutSeconds) throws IOException, InterruptedException {
        URI uri = URI.create(location);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("http") || scheme.equals("https")) {
            HttpResponse<byte[]> response = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(timeoutSeconds)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            return limit(response.body());
        }
        if (scheme.equals("s3")) {
            if (endpoint.isEmpty() || accessKey.isEmpty() || secretKey.isEmpty()) {
                throw new IOException("patchflow.s3.endpoint / access-key / secret-key are not configured");
            }
            MinioClient client = MinioClient.builder().endpoint(endpoint.get())
                    .credentials(accessKey.get(), secretKey.get()).region(region).build();
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(uri.getAuthority())
                    .object(uri.getPath().substring(1)).build())) {
                return limit(in.readNBytes(MAX_BYTES + 1));
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        throw new IOException("only s3:// and http(s):// locations are read");
    }

    private static String limit(byte[] bytes) throws IOException {
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static CheckResult failed(CheckSpec spec, String detail) {
        return new CheckResult(spec.name(), spec.type(), false, detail);
    }
}
