package dev.patchflow.examples.ruleengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.sdk.Credentials;
import dev.patchflow.sdk.Markers;
import dev.patchflow.sdk.PatchMain;

/**
 * The example patch run as its image runs it ({@link PatchMain} with the image's arguments), against the embedded
 * MongoDB-wire and S3 servers, with its credentials in the environment as the Job's {@code envFrom} Secrets give
 * them.
 */
class FixRuleSeverityTest {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension(b -> b.kafka(false));

    private MongoClient mongo;
    private MongoCollection<Document> rules;
    private MinioClient s3;
    private Credentials credentials;

    @BeforeEach
    void seed() throws Exception {
        LocalStack stack = localStack.stack();
        mongo = MongoClients.create(stack.mongoConnectionString());
        rules = mongo.getDatabase(FixRuleSeverity.DATABASE).getCollection(FixRuleSeverity.COLLECTION);
        rules.drop();
        rules.insertMany(List.of(
                new Document("_id", "r1").append("severity", "high").append("expr", "a > 1"),
                new Document("_id", "r2").append("severity", "Low").append("expr", "b < 2"),
                new Document("_id", "r3").append("expr", "c == 3"),
                new Document("_id", "r4").append("severity", "CRITICAL").append("schemaVersion", 2)));
        s3 = MinioClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region()).build();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(FixRuleSeverity.MARKER_BUCKET).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(FixRuleSeverity.MARKER_BUCKET).build());
        }
        s3.removeObject(io.minio.RemoveObjectArgs.builder().bucket(FixRuleSeverity.MARKER_BUCKET)
                .object(FixRuleSeverity.MARKER_KEY).build());
        credentials = new Credentials(Map.of("MONGODB_URI", stack.mongoConnectionString(), "S3_ENDPOINT",
                stack.s3Endpoint(), "S3_ACCESS_KEY", stack.s3AccessKey(), "S3_SECRET_KEY", stack.s3SecretKey()),
                List.of());
    }

    @AfterEach
    void close() {
        mongo.close();
    }

    private int runImage(String... args) {
        return PatchMain.run(List.of(new FixRuleSeverity(credentials)), args);
    }

    private List<Document> allRules() {
        return rules.find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private StatObjectResponse marker() throws Exception {
        return s3.statObject(StatObjectArgs.builder().bucket(FixRuleSeverity.MARKER_BUCKET)
                .object(FixRuleSeverity.MARKER_KEY).build());
    }

    @Test
    void fixesEveryRuleOnceAndASecondRunChangesNothing() throws Exception {
        assertThat(runImage()).isEqualTo(PatchMain.OK);

        List<Document> afterFirst = allRules();
        assertThat(afterFirst).extracting(d -> d.getString("severity"))
                .containsExactly("HIGH", "LOW", "MEDIUM", "CRITICAL");
        assertThat(afterFirst).allSatisfy(d -> assertThat(d.getInteger("schemaVersion")).isEqualTo(2));
        assertThat(afterFirst.get(0).getString("expr")).isEqualTo("a > 1");
        StatObjectResponse firstMarker = marker();
        assertThat(Markers.read(s3, FixRuleSeverity.MARKER_BUCKET, FixRuleSeverity.MARKER_KEY)).hasValueSatisfying(
                json -> assertThat(json).contains("\"fixedRules\":3").contains("\"version\":\"5.17.0\""));

        assertThat(runImage()).isEqualTo(PatchMain.OK);

        assertThat(allRules()).isEqualTo(afterFirst);
        StatObjectResponse secondMarker = marker();
        assertThat(secondMarker.etag()).isEqualTo(firstMarker.etag());
        assertThat(secondMarker.lastModified()).isEqualTo(firstMarker.lastModified());
    }

    @Test
    void aDryRunChangesNothing() throws Exception {
        List<Document> before = allRules();

        assertThat(runImage("--dry-run")).isEqualTo(PatchMain.OK);

        assertThat(allRules()).isEqualTo(before);
        assertThat(Markers.read(s3, FixRuleSeverity.MARKER_BUCKET, FixRuleSeverity.MARKER_KEY)).isEmpty();
    }

    @Test
    void isolatedChangesNothingAndSucceeds() throws Exception {
        List<Document> before = allRules();
        assertThat(runImage("--isolated")).isEqualTo(PatchMain.OK);
        assertThat(allRules()).isEqualTo(before);
    }

    @Test
    void aRuleWithAnUnknownSeverityFailsPermanentlyAfterFixingTheOthers() {
        rules.insertOne(new Document("_id", "r5").append("severity", "urgent!!"));

        assertThat(runImage()).isEqualTo(PatchMain.PERMANENT);

        assertThat(rules.find(new Document("_id", "r1")).first().getString("severity")).isEqualTo("HIGH");
        assertThat(rules.find(new Document("_id", "r5")).first().getString("severity")).isEqualTo("urgent!!");
    }
}
