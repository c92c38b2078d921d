package dev.patchflow.report.adapters.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.report.domain.AwsView;
import dev.patchflow.report.domain.BackupView;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.PowerView;
import dev.patchflow.report.domain.TargetFilter;
import dev.patchflow.report.domain.TargetPageRequest;
import dev.patchflow.report.domain.TargetView;
import dev.patchflow.report.domain.ValidationView;
import dev.patchflow.report.domain.ViewStore.Stage;
import dev.patchflow.report.domain.ViewStore.TargetFact;
import dev.patchflow.report.support.EmbeddedMongo;
import dev.patchflow.report.support.TestConfig;
import dev.patchflow.schemas.events.AwsTarget;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.Target;

/**
 * Target views are decoded straight from BSON ({@link TargetRowCodec}) on a real MongoDB-wire server: every field
 * the projection writes comes back as written, whichever query reads it; a view stored with other value types or
 * fields than today's writers produce (an older or newer report-svc, a hand edit) is read, not refused: a value
 * where text is wanted as its text, a number of another width as the number, what fits nowhere as absent.
 */
class TargetRowCodecTest {

    static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");

    EmbeddedMongo mongo;
    MongoViewStore store;

    @BeforeEach
    void start() {
        mongo = new EmbeddedMongo();
        store = new MongoViewStore(mongo.client(), new TestConfig());
    }

    @AfterEach
    void stop() {
        mongo.close();
    }

    @Test
    void everyFieldTheProjectionWritesIsReadBackAsWrittenByEveryQuery() {
        Target target = new Target("i-0abc", "web-1", "ec2", "prod", "lz-eu", Map.of(), "10.0.0.7", "Linux", "x86_64",
                "stopped", null, "2.4.1", null, null,
                new AwsTarget("111122223333", "eu-west-1", "eu-west-1a", "i-0abc", "t3.small", "Online", "3.3.40.0",
                        "Amazon Linux"),
                null, null);
        BackupView backup = new BackupView(BackupView.COMPLETED, "s3://b/backups/r/i-0abc.tar.gz", "ab12", 4096L,
                "note", null, "ami", Map.of("amiId", "ami-1", "zone", "eu-west-1a"));
        PatchView patch = new PatchView("APPLIED", 0, "reason", "s3://b/out/i-0abc.log", "patched 2.4.1 -> 2.4.2",
                1234L, Map.of("drift", "true", "versionFound", "2.4.0"));
        ValidationView validation = new ValidationView(ValidationView.FAILED,
                List.of(new CheckResult("version", "version", true, null),
                        new CheckResult("http", "http", false, "503 from /health")),
                List.of(new CheckResult("http", "http", false, "503 from /health")));
        PowerView power = new PowerView("stopped", "stopped", true, "restored after the patch", NOW.plusSeconds(90));
        store.recordTargets(List.of(new TargetFact("run-1", target, Stage.SCAN, null),
                new TargetFact("run-1", target, Stage.BACKUP, backup),
                new TargetFact("run-1", target, Stage.PATCH, patch),
                new TargetFact("run-1", target, Stage.VALIDATION, validation),
                new TargetFact("run-1", target, Stage.POWER, power, NOW.plusSeconds(60))), NOW);

        TargetView expected = new TargetView("i-0abc", "web-1", "ec2", "prod", "lz-eu", "2.4.1", true, backup, patch,
                validation, AwsView.of(target), power);
        assertThat(streamed("run-1")).containsExactly(expected);
        assertThat(store.targetPage("run-1", TargetFilter.ALL, TargetPageRequest.first(10)).targets())
                .containsExactly(expected);
        try (Stream<TargetView> drift = store.streamDriftCandidates("run-1", false)) {
            assertThat(drift.toList()).containsExactly(expected);
        }
        assertThat(store.tally("run-1").latestTerminalAt()).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void aViewWithOtherValueTypesOrFieldsIsReadAsTextWhereTextIsWantedAndSkippedWhereNothingFits() {
        mongo.client().getDatabase(new TestConfig().database()).getCollection(MongoViewStore.TARGETS)
                .insertOne(new Document("_id", "run-2|t-1").append("runId", "run-2").append("targetId", "t-1")
                        .append("name", null).append("installedVersion", 7).append("scanned", "yes")
                        .append("somethingNew", new Document("nested", List.of(1, 2)))
                        .append("backup", new Document("status", "COMPLETED").append("sizeBytes", 2.5e3)
                                .append("details", new Document("attempts", 3).append("ok", true)
                                        .append("parts", List.of("a", "b")).append("at", new Document("x", 1L))))
                        .append("patch", new Document("status", "FAILED").append("exitCode", 3L)
                                .append("durationMs", 12).append("details", "not a map"))
                        .append("validation", new Document("status", "PASSED").append("checks", "not a list"))
                        .append("aws", "not a document"));

        assertThat(streamed("run-2")).containsExactly(new TargetView("t-1", null, null, null, null, "7", false,
                new BackupView("COMPLETED", null, null, 2500L, null, null, null,
                        Map.of("attempts", "3", "ok", "true", "parts", "[a, b]", "at", "Document{{x=1}}")),
                new PatchView("FAILED", 3, null, null, null, 12L, Map.of()),
                new ValidationView("PASSED", List.of(), List.of()), null, null));
    }

    List<TargetView> streamed(String runId) {
        try (Stream<TargetView> targets = store.streamTargets(runId, TargetFilter.ALL)) {
            return new ArrayList<>(targets.toList());
        }
    }
}
