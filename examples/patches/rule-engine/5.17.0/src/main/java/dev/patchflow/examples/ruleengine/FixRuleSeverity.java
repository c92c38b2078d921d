package dev.patchflow.examples.ruleengine;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

import io.minio.MinioClient;

import dev.patchflow.sdk.BasePatch;
import dev.patchflow.sdk.ConditionalUpdates;
import dev.patchflow.sdk.Credentials;
import dev.patchflow.sdk.Markers;
import dev.patchflow.sdk.PatchResult;
import dev.patchflow.sdk.ServiceWait;

/**
 * rule-engine 5.17.0 reads rule severities as upper-case enum names ({@code HIGH}) and expects
 * {@code schemaVersion: 2}; rules written by 5.16 have lower-case or missing severities. This patch brings every
 * rule to the new shape and records that it ran with a marker object in S3.
 * <p>
 * Idempotent: only rules with {@code schemaVersion != 2} are selected, and each is updated on the same condition,
 * so a second run finds nothing to fix; the marker is written only if absent. A rule whose severity is not one of
 * the known ones cannot be fixed automatically: the patch fixes the others and fails permanently (not retried).
 */
public final class FixRuleSeverity extends BasePatch {

    public static final String NAME = "fix_rule_severity";
    public static final String VERSION = "5.17.0";
    public static final String DATABASE = "rules";
    public static final String COLLECTION = "rules";
    public static final String MARKER_BUCKET = "rule-engine-data";
    public static final String MARKER_KEY = "patches/" + VERSION + "/" + NAME + ".json";

    private static final java.util.Set<String> SEVERITIES = java.util.Set.of("LOW", "MEDIUM", "HIGH", "CRITICAL");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Credentials credentials;

    public FixRuleSeverity(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected PatchResult execute() throws Exception {
        // The runner waited for the Deployment; if the service's own readiness URL is given, wait for it too.
        var ready = credentials.find("service-ready-url");
        if (ready.isPresent()) {
            ServiceWait.http(URI.create(ready.get().reveal()), Duration.ofMinutes(5), Duration.ofSeconds(2));
        }
        MinioClient s3 = credentials.s3();
        try (MongoClient mongo = credentials.mongo()) {
            MongoCollection<Document> rules = mongo.getDatabase(DATABASE).getCollection(COLLECTION);
            Bson needsFix = Filters.and(Filters.ne("schemaVersion", 2), Filters.in("severity", severities()));
            long fixed = ConditionalUpdates.updateEach(rules, needsFix, rule -> Updates.combine(
                    Updates.set("severity", normalized(rule.getString("severity"))), Updates.set("schemaVersion", 2)),
                    dryRun(), log());
            long unfixable = rules.countDocuments(Filters.ne("schemaVersion", 2)) - (dryRun() ? fixed : 0);
            Markers.putIfAbsent(s3, MARKER_BUCKET, MARKER_KEY, JSON.writeValueAsString(Map.of("patch", NAME,
                    "version", VERSION, "fixedRules", fixed, "unfixableRules", unfixable)), dryRun(), log());
            if (unfixable > 0) {
                log().severe(() -> unfixable + " rule(s) have a severity that is not one of " + SEVERITIES
                        + ": fix them by hand, then run the patch again");
                return PatchResult.PERMANENT_FAILURE;
            }
            return PatchResult.SUCCESS;
        }
    }

    /** Every spelling of a known severity that 5.16 wrote (lower or mixed case, or missing). */
    private static java.util.List<Object> severities() {
        java.util.List<Object> values = new java.util.ArrayList<>();
        values.add(null);
        for (String severity : SEVERITIES) {
            values.add(severity);
            values.add(severity.toLowerCase(Locale.ROOT));
            values.add(severity.charAt(0) + severity.substring(1).toLowerCase(Locale.ROOT));
        }
        return values;
    }

    private static String normalized(String severity) {
        return severity == null ? "MEDIUM" : severity.toUpperCase(Locale.ROOT);
    }
}
