package dev.patchflow.report.adapters.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;
import org.bson.Document;
import org.bson.codecs.BsonValueCodec;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;

import dev.patchflow.report.domain.AwsView;
import dev.patchflow.report.domain.BackupView;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.PowerView;
import dev.patchflow.report.domain.TargetView;
import dev.patchflow.report.domain.ValidationView;
import dev.patchflow.schemas.events.CheckResult;

/**
 * Reads a stored target view straight from the driver's BSON reader into a {@link TargetRow}: a report of a running
 * 100,000-target run reads every view, and building each one as a {@code Document} (a map per sub-document, a codec
 * lookup per value) first and then picking its fields was the larger part of report-svc's CPU for such a report.
 * Fields it does not know are skipped; a missing field reads as {@code null} (or {@code false}, an empty list),
 * as the stored views were read before. A view is written as updates ({@code MongoViewStore.targetUpdate}) that
 * set the sub-documents built here ({@code backupDoc} … {@code powerDoc}), so what is written and what is read of
 * a target view stand side by side; the codec itself only decodes.
 */
final class TargetRowCodec implements Codec<TargetRow> {

    /** Values of a free-form map ({@code details}) that are neither text nor numbers, read as the driver would. */
    private static final DocumentCodec DOCUMENTS = new DocumentCodec();
    private static final BsonValueCodec OTHER_VALUES = new BsonValueCodec();
    private static final DecoderContext CONTEXT = DecoderContext.builder().build();

    // What the projection sets (MongoViewStore.targetUpdate): each stage's sub-document, read back by decode.
    static Document backupDoc(BackupView b) {
        return new Document("status", b.status()).append("location", b.location()).append("sha256", b.sha256())
                .append("sizeBytes", b.sizeBytes()).append("note", b.note()).append("reason", b.reason())
                .append("method", b.method()).append("details", new Document(new LinkedHashMap<>(b.details())));
    }

    static Document patchDoc(PatchView p) {
        return new Document("status", p.status()).append("exitCode", p.exitCode()).append("reason", p.reason())
                .append("outputLocation", p.outputLocation()).append("outputTail", p.outputTail())
                .append("durationMs", p.durationMs()).append("details", new Document(new LinkedHashMap<>(p.details())));
    }

    static Document validationDoc(ValidationView v) {
        return new Document("status", v.status()).append("checks", checkDocs(v.checks())).append("failed",
                checkDocs(v.failed()));
    }

    private static List<Document> checkDocs(List<CheckResult> checks) {
        return checks.stream().map(c -> new Document("name", c.name()).append("type", c.type())
                .append("passed", c.passed()).append("detail", c.detail())).toList();
    }

    static Document awsDoc(AwsView a) {
        return new Document("instanceId", a.instanceId()).append("accountId", a.accountId())
                .append("region", a.region()).append("availabilityZone", a.availabilityZone())
                .append("instanceType", a.instanceType()).append("platform", a.platform())
                .append("platformName", a.platformName()).append("arch", a.arch()).append("privateIp", a.privateIp())
                .append("initialState", a.initialState()).append("ssmStatus", a.ssmStatus())
                .append("ssmAgentVersion", a.ssmAgentVersion());
    }

    static Document powerDoc(PowerView p) {
        return new Document("initialState", p.initialState()).append("state", p.state())
                .append("restored", p.restored()).append("reason", p.reason())
                .append("at", p.at() == null ? null : Date.from(p.at()));
    }

    @Override
    public Class<TargetRow> getEncoderClass() {
        return TargetRow.class;
    }

    @Override
    public void encode(BsonWriter writer, TargetRow value, EncoderContext context) {
        throw new UnsupportedOperationException("target views are written as updates (MongoViewStore.targetUpdate)");
    }

    @Override
    public TargetRow decode(BsonReader r, DecoderContext context) {
        String targetId = null;
        String name = null;
        String kind = null;
        String environment = null;
        String landingZone = null;
        String installedVersion = null;
        boolean scanned = false;
        BackupView backup = null;
        PatchView patch = null;
        ValidationView validation = null;
        AwsView aws = null;
        PowerView power = null;
        Instant terminalAt = null;
        r.readStartDocument();
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            switch (r.readName()) {
                case "targetId" -> targetId = string(r);
                case "name" -> name = string(r);
                case "kind" -> kind = string(r);
                case "environment" -> environment = string(r);
                case "landingZone" -> landingZone = string(r);
                case "installedVersion" -> installedVersion = string(r);
                case "scanned" -> scanned = bool(r);
                case "backup" -> backup = document(r, TargetRowCodec::backup);
                case "patch" -> patch = document(r, TargetRowCodec::patch);
                case "validation" -> validation = document(r, TargetRowCodec::validation);
                case "aws" -> aws = document(r, TargetRowCodec::aws);
                case "power" -> power = document(r, TargetRowCodec::power);
                case "terminalAt" -> terminalAt = instant(r);
                default -> r.skipValue();
            }
        }
        r.readEndDocument();
        return new TargetRow(new TargetView(targetId, name, kind, environment, landingZone, installedVersion, scanned,
                backup, patch, validation, aws, power), terminalAt);
    }

    private static BackupView backup(BsonReader r) {
        String status = null;
        String location = null;
        String sha256 = null;
        Long sizeBytes = null;
        String note = null;
        String reason = null;
        String method = null;
        Map<String, String> details = Map.of();
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            switch (r.readName()) {
                case "status" -> status = string(r);
                case "location" -> location = string(r);
                case "sha256" -> sha256 = string(r);
                case "sizeBytes" -> sizeBytes = number(r, Number::longValue);
                case "note" -> note = string(r);
                case "reason" -> reason = string(r);
                case "method" -> method = string(r);
                case "details" -> details = stringMap(r);
                default -> r.skipValue();
            }
        }
        return new BackupView(status, location, sha256, sizeBytes, note, reason, method, details);
    }

    private static PatchView patch(BsonReader r) {
        String status = null;
        Integer exitCode = null;
        String reason = null;
        String outputLocation = null;
        String outputTail = null;
        Long durationMs = null;
        Map<String, String> details = Map.of();
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            switch (r.readName()) {
                case "status" -> status = string(r);
                case "exitCode" -> exitCode = number(r, Number::intValue);
                case "reason" -> reason = string(r);
                case "outputLocation" -> outputLocation = string(r);
                case "outputTail" -> outputTail = string(r);
                case "durationMs" -> durationMs = number(r, Number::longValue);
                case "details" -> details = stringMap(r);
                default -> r.skipValue();
            }
        }
        return new PatchView(status, exitCode, reason, outputLocation, outputTail, durationMs, details);
    }

    private static ValidationView validation(BsonReader r) {
        String status = null;
        List<CheckResult> checks = List.of();
        List<CheckResult> failed = List.of();
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            switch (r.readName()) {
                case "status" -> status = string(r);
                case "checks" -> checks = checks(r);
                case "failed" -> failed = checks(r);
                default -> r.skipValue();
            }
        }
        return new ValidationView(status, checks, failed);
    }

    private static List<CheckResult> checks(BsonReader r) {
        if (r.getCurrentBsonType() != BsonType.ARRAY) {
            r.skipValue();
            return List.of();
        }
        List<CheckResult> checks = new ArrayList<>();
        r.readStartArray();
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            CheckResult check = document(r, TargetRowCodec::check);
            if (check != null) {
                checks.add(check);
            }
        }
        r.readEndArray();
        return checks;
    }

    private static CheckResult check(BsonReader r) {
        String name = null;
        String type = null;
        boolean passed = false;
        String detail = null;
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            switch (r.readName()) {
                case "name" -> name = string(r);
                case "type" -> type = string(r);
                case "passed" -> passed = bool(r);
                case "detail" -> detail = string(r);
                default -> r.skipValue();
            }
        }
        return new CheckResult(name, type, passed, detail);
    }

    private static AwsView aws(BsonReader r) {
        Map<String, String> f = new LinkedHashMap<>();
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            f.put(r.readName(), string(r));
        }
        return new AwsView(f.get("instanceId"), f.get("accountId"), f.get("region"), f.get("availabilityZone"),
                f.get("instanceType"), f.get("platform"), f.get("platformName"), f.get("arch"), f.get("privateIp"),
                f.get("initialState"), f.get("ssmStatus"), f.get("ssmAgentVersion"));
    }

    private static PowerView power(BsonReader r) {
        String initialState = null;
        String state = null;
        boolean restored = false;
        String reason = null;
        Instant at = null;
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            switch (r.readName()) {
                case "initialState" -> initialState = string(r);
                case "state" -> state = string(r);
                case "restored" -> restored = bool(r);
                case "reason" -> reason = string(r);
                case "at" -> at = instant(r);
                default -> r.skipValue();
            }
        }
        return new PowerView(initialState, state, restored, reason, at);
    }

    /** The sub-document at the reader read by {@code fields} (which reads up to its end); {@code null} if none. */
    private static <T> T document(BsonReader r, Function<BsonReader, T> fields) {
        if (r.getCurrentBsonType() != BsonType.DOCUMENT) {
            r.skipValue();
            return null;
        }
        r.readStartDocument();
        T value = fields.apply(r);
        r.readEndDocument();
        return value;
    }

    /** Every value as text, as {@code String.valueOf} of what the driver decodes it to. */
    private static Map<String, String> stringMap(BsonReader r) {
        if (r.getCurrentBsonType() != BsonType.DOCUMENT) {
            r.skipValue();
            return Map.of();
        }
        Map<String, String> map = new LinkedHashMap<>();
        r.readStartDocument();
        while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
            String key = r.readName();
            map.put(key, r.getCurrentBsonType() == BsonType.STRING ? r.readString() : String.valueOf(value(r)));
        }
        r.readEndDocument();
        return map;
    }

    private static Object value(BsonReader r) {
        return switch (r.getCurrentBsonType()) {
            case STRING -> r.readString();
            case INT32 -> r.readInt32();
            case INT64 -> r.readInt64();
            case DOUBLE -> r.readDouble();
            case BOOLEAN -> r.readBoolean();
            case NULL -> {
                r.readNull();
                yield null;
            }
            case DATE_TIME -> new Date(r.readDateTime());
            case DOCUMENT -> DOCUMENTS.decode(r, CONTEXT);
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                r.readStartArray();
                while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
                    list.add(value(r));
                }
                r.readEndArray();
                yield list;
            }
            default -> OTHER_VALUES.decode(r, CONTEXT);
        };
    }

    /** Text; {@code null} for a stored null; another value as its text. */
    private static String string(BsonReader r) {
        if (r.getCurrentBsonType() == BsonType.STRING) {
            return r.readString();
        }
        Object value = value(r);
        return value == null ? null : String.valueOf(value);
    }

    private static boolean bool(BsonReader r) {
        if (r.getCurrentBsonType() == BsonType.BOOLEAN) {
            return r.readBoolean();
        }
        r.skipValue();
        return false;
    }

    private static <T> T number(BsonReader r, Function<Number, T> as) {
        return value(r) instanceof Number n ? as.apply(n) : null;
    }

    private static Instant instant(BsonReader r) {
        if (r.getCurrentBsonType() == BsonType.DATE_TIME) {
            return Instant.ofEpochMilli(r.readDateTime());
        }
        r.skipValue();
        return null;
    }
}
