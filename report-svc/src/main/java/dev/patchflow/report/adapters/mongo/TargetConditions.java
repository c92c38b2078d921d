package dev.patchflow.report.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.nor;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Filters.regex;

import java.util.List;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.conversions.Bson;

import dev.patchflow.report.domain.TargetCondition;
import dev.patchflow.report.domain.ViewStore.Stage;

/**
 * A {@link TargetCondition} as a MongoDB query on the target view documents of {@link MongoViewStore}: a stage
 * is "seen" when its sub-document is there, its status is {@code <stage>.status}.
 */
final class TargetConditions {

    /** Where {@link TargetCondition.Contains} looks, in the stored document. */
    static final List<String> SEARCHED_FIELDS = List.of("targetId", "name", "kind", "environment", "landingZone",
            "installedVersion", "aws.instanceId", "backup.reason", "patch.reason", "validation.failed.name",
            "validation.failed.detail");

    private TargetConditions() {
    }

    static Bson toBson(TargetCondition condition) {
        if (condition instanceof TargetCondition.Seen seen) {
            return seen.stage() == Stage.SCAN ? eq("scanned", true) : ne(path(seen.stage()), null);
        }
        if (condition instanceof TargetCondition.StatusIn status) {
            return in(path(status.stage()) + ".status", status.statuses());
        }
        if (condition instanceof TargetCondition.Not not) {
            return nor(toBson(not.condition()));
        }
        if (condition instanceof TargetCondition.All all) {
            return all.conditions().isEmpty()
                    ? new Document()
                    : and(all.conditions().stream().map(TargetConditions::toBson).toList());
        }
        if (condition instanceof TargetCondition.Any any) {
            return or(any.conditions().stream().map(TargetConditions::toBson).toList());
        }
        if (condition instanceof TargetCondition.Contains contains) {
            Pattern text = Pattern.compile(Pattern.quote(contains.text()), Pattern.CASE_INSENSITIVE);
            return or(SEARCHED_FIELDS.stream().map(field -> regex(field, text)).toList());
        }
        throw new IllegalArgumentException("unknown condition " + condition);
    }

    private static String path(Stage stage) {
        return switch (stage) {
            case SCAN -> "scanned";
            case BACKUP -> "backup";
            case PATCH -> "patch";
            case VALIDATION -> "validation";
            case POWER -> "power";
        };
    }
}
