package dev.patchflow.backup.adapters.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;

import dev.patchflow.backup.adapters.s3.MinioArchiveStore;
import dev.patchflow.backup.config.WorkloadDataConfig;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.BackupMethod;
import dev.patchflow.backup.domain.BackupRecord;
import dev.patchflow.backup.domain.BackupState;
import dev.patchflow.backup.domain.RestorePoint;
import dev.patchflow.backup.domain.WorkloadExportMethod;
import dev.patchflow.kit.s3.S3Config;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.schemas.events.KubernetesTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * The workload export on the real MongoDB-wire and S3 servers: the declared collections and S3 prefixes become
 * JSON lines and object copies with checksums under {@code backups/<run>/<target>/}, restorable from there.
 */
class WorkloadExportIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension(b -> b.kafka(false));

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private static MinioClient s3;
    private static MongoClient mongo;

    @BeforeAll
    static void seed() throws Exception {
        LocalStack stack = localStack.stack();
        s3 = MinioClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region()).build();
        mongo = MongoClients.create(stack.mongoConnectionString());
        mongo.getDatabase("rules").getCollection("rules").insertMany(List.of(
                new Document("_id", "r2").append("severity", "high").append("since", java.util.Date.from(
                        Instant.parse("2026-01-02T03:04:05Z"))),
                new Document("_id", "r1").append("severity", "low").append("weight", 3L)));
        s3.makeBucket(MakeBucketArgs.builder().bucket("rule-engine-data").build());
        for (String key : List.of("rules/a.json", "rules/nested/b.json", "other/c.json")) {
            byte[] body = ("{\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
            s3.putObject(PutObjectArgs.builder().bucket("rule-engine-data").object(key)
                    .stream(new ByteArrayInputStream(body), body.length, -1).build());
        }
    }

    private WorkloadExportMethod method(LocalStack stack) {
        WorkloadDataConfig.Source source = new WorkloadDataConfig.Source() {

            public Optional<String> mongoConnectionString() {
                return Optional.of(stack.mongoConnectionString());
            }

            public Optional<String> s3Endpoint() {
                return Optional.of(stack.s3Endpoint());
            }

            public Optional<String> s3AccessKey() {
                return Optional.of(stack.s3AccessKey());
            }

            public Optional<String> s3SecretKey() {
                return Optional.of(stack.s3SecretKey());
            }

            public String s3Region() {
                return stack.s3Region();
            }
        };
        S3Config backups = new S3Config() {

            public Optional<String> endpoint() {
                return Optional.of(stack.s3Endpoint());
            }

            public Optional<String> accessKey() {
                return Optional.of(stack.s3AccessKey());
            }

            public Optional<String> secretKey() {
                return Optional.of(stack.s3SecretKey());
            }

            public String bucket() {
                return stack.s3Bucket();
            }

            public String region() {
                return stack.s3Region();
            }
        };
        return new WorkloadExportMethod(new MinioArchiveStore(backups),
                new ConfiguredWorkloadData(Map.of("default", source)), work);
    }

    private static BackupMethod.Job job(String runId, Map<String, String> parameters) {
        PatchSpec patch = new PatchSpec("rule-engine", "5.17.0", "k8s-job", List.of(), null, parameters);
        RunContext run = new RunContext(runId, Instant.parse("2026-11-21T09:00:00Z"), "alice", patch,
                new TargetSelector("kubernetes", "prod/rules", null, List.of(), Map.of()), RunOptions.defaults());
        Target target = new Target("prod.rules.Deployment.rule-engine", "rule-engine", Target.KIND_KUBERNETES, "prod",
                "prod", Map.of(), null, null, null, "available", null, "5.16.2", null, null, null,
                new KubernetesTarget("prod", "rules", "Deployment", "rule-engine", "img", 1, 1), null);
        return new BackupMethod.Job(run, target, 1);
    }

    private static String read(String bucket, String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> keys(String bucket, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix)
                .recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void exportsTheDeclaredCollectionsAndPrefixesAsJsonLinesAndCopiesWithChecksums() throws Exception {
        LocalStack stack = localStack.stack();
        RestorePoint point = method(stack).create(job("run-export", Map.of("backupMongo", "rules.rules",
                "backupS3", "rule-engine-data/rules/")));

        String prefix = "backups/run-export/prod.rules.Deployment.rule-engine/";
        assertThat(point.location()).isEqualTo("s3://" + stack.s3Bucket() + "/" + prefix);
        assertThat(point.details()).containsEntry("collections", "rules.rules").containsEntry("documents", "2")
                .containsEntry("s3Prefixes", "rule-engine-data/rules/").containsEntry("objects", "2")
                .containsEntry("manifest", prefix + "manifest.jsonl");
        assertThat(keys(stack.s3Bucket(), prefix)).containsExactlyInAnyOrder(prefix + "manifest.jsonl",
                prefix + "SHA256SUMS", prefix + "mongo/rules/rules.jsonl", prefix + "s3/rule-engine-data/rules/a.json",
                prefix + "s3/rule-engine-data/rules/nested/b.json");

        String manifest = read(stack.s3Bucket(), prefix + "manifest.jsonl");
        assertThat(point.sha256()).isEqualTo(sha256(manifest));
        // Every exported file's checksum in the manifest and in SHA256SUMS is that of the object's bytes.
        String sums = read(stack.s3Bucket(), prefix + "SHA256SUMS");
        for (String line : manifest.split("\n")) {
            JsonNode entry = JSON.readTree(line);
            String body = read(stack.s3Bucket(), prefix + entry.get("file").asText());
            assertThat(entry.get("sha256").asText()).isEqualTo(sha256(body));
            assertThat(sums).contains(sha256(body) + "  " + entry.get("file").asText() + "\n");
        }
        // The JSON lines are canonical Extended JSON in _id order: they parse back to the same documents.
        String lines = read(stack.s3Bucket(), prefix + "mongo/rules/rules.jsonl");
        List<Document> restored = lines.lines().map(Document::parse).toList();
        assertThat(restored).extracting(d -> d.get("_id")).containsExactly("r1", "r2");
        assertThat(restored).containsExactlyElementsOf(mongo.getDatabase("rules").getCollection("rules").find()
                .sort(new Document("_id", 1)).into(new ArrayList<>()));
        assertThat(read(stack.s3Bucket(), prefix + "s3/rule-engine-data/rules/a.json"))
                .isEqualTo("{\"key\":\"rules/a.json\"}");

        // Retention removes the whole export.
        method(stack).expire(new BackupRecord("run-export/t", BackupState.COMPLETED, WorkloadExportMethod.NAME, null,
                point.location(), point.sha256(), point.sizeBytes(), point.details(), null, null, Instant.now(),
                Instant.now(), 1));
        assertThat(keys(stack.s3Bucket(), prefix)).isEmpty();
    }

    @Test
    void aRequestThatDeclaresNoDataOrAnUnknownSourceFailsWithAReason() {
        LocalStack stack = localStack.stack();
        assertThatThrownBy(() -> method(stack).create(job("run-none", Map.of())))
                .isInstanceOf(BackupFailureException.class)
                .hasMessageStartingWith("nothing to export for prod.rules.Deployment.rule-engine: the request "
                        + "declares neither patch.parameters.backupMongo");
        assertThatThrownBy(() -> method(stack).create(job("run-src", Map.of("backupMongo", "rules.rules",
                "backupSource", "billing"))))
                .isInstanceOf(BackupFailureException.class)
                .hasMessage("no workload data source 'billing' (configured: default; "
                        + "patchflow.backup.workload.sources.billing.*)");
    }
}
