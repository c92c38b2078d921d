package dev.patchflow.sdk;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import org.bson.Document;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoDatabase;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;

/**
 * A marker of what was applied: written once, never overwritten, so that it records the first application and
 * a second run can see it. In MongoDB (collection {@value #COLLECTION}, {@code _id} = patch name) or as an S3
 * object.
 */
public final class Markers {

    public static final String COLLECTION = "patchflow_patches";

    private Markers() {
    }

    /** The marker document of {@code patch}, if it was applied. */
    public static Optional<Document> find(MongoDatabase database, String patch) {
        return Optional.ofNullable(database.getCollection(COLLECTION).find(new Document("_id", patch)).first());
    }

    /**
     * Records {@code patch} as applied (one {@code insertOne}: the unique {@code _id} makes it once).
     *
     * @return false when it was already recorded (or in a dry run)
     */
    public static boolean markApplied(MongoDatabase database, String patch, String version,
            Map<String, Object> details, boolean dryRun, Logger log) {
        if (dryRun) {
            log.info(() -> "DRY RUN: would record " + patch + " " + version + " as applied");
            return false;
        }
        try {
            database.getCollection(COLLECTION).insertOne(new Document("_id", patch).append("version", version)
                    .append("appliedAt", java.util.Date.from(Instant.now())).append("details", new Document(details)));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Writes {@code json} to {@code s3://bucket/key} unless an object is already there.
     *
     * @return false when the marker existed (or in a dry run)
     */
    public static boolean putIfAbsent(MinioClient s3, String bucket, String key, String json, boolean dryRun,
            Logger log) throws Exception {
        if (read(s3, bucket, key).isPresent()) {
            log.info(() -> "marker s3://" + bucket + "/" + key + " exists; left as it is");
            return false;
        }
        if (dryRun) {
            log.info(() -> "DRY RUN: would write marker s3://" + bucket + "/" + key);
            return false;
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key).contentType("application/json")
                .stream(new ByteArrayInputStream(body), body.length, -1).build());
        log.info(() -> "marker s3://" + bucket + "/" + key + " written");
        return true;
    }

    /** The marker object's content, if there is one. */
    public static Optional<String> read(MinioClient s3, String bucket, String key) throws Exception {
        try {
            s3.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchObject".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw e;
        }
        try (var in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
