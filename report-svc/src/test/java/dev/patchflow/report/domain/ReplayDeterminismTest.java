package dev.patchflow.report.domain;

import static dev.patchflow.report.support.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.report.adapters.mongo.MongoViewStore;
import dev.patchflow.report.support.EmbeddedMongo;
import dev.patchflow.report.support.MutableClock;
import dev.patchflow.report.support.RecordingArchive;
import dev.patchflow.report.support.RecordingPublisher;
import dev.patchflow.report.support.TestConfig;
import dev.patchflow.report.support.TestRenderer;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunCompleted;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.ZoneError;

/**
 * Issue #13, point 1: every time in a report is a fact of the log, and every list has a defined order. A "live"
 * report service that reads the events in pipeline order and a "replay" that reads them topic by topic (as a fresh
 * consumer group reading every topic from the start may), each on its own MongoDB-wire server and with its own
 * clock, write the same four report files byte for byte and the same RunCompleted.
 */
class ReplayDeterminismTest {

    static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");

    final List<Service> services = new ArrayList<>();

    @AfterEach
    void tearDown() {
        services.forEach(s -> s.mongo.close());
    }

    /** One report service: its own database, clock, archive and outbox. */
    final class Service {

        final EmbeddedMongo mongo = new EmbeddedMongo();
        final MutableClock clock = new MutableClock();
        final RecordingArchive archive = new RecordingArchive();
        final RecordingPublisher publisher = new RecordingPublisher();
        final MongoViewStore store;
        final ViewProjector projector;
        final RunReconciler reconciler;
        final RunQueries queries;

        Service(Duration clockOffset, boolean failFirstMarkCompleted) {
            TestConfig config = new TestConfig();
            store = failFirstMarkCompleted
                    ? new CrashingStore(mongo, config)
                    : new MongoViewStore(mongo.client(), config);
            clock.advance(clockOffset);
            RunFinisher finisher = new RunFinisher(store, TestRenderer.create(), archive, publisher, clock);
            projector = new ViewProjector(store, finisher, clock);
            reconciler = new RunReconciler(store, finisher, config, clock);
            queries = new RunQueries(store, config);
            services.add(this);
        }

        void apply(List<CloudEvent<?>> events) {
            events.forEach(projector::apply);
        }

        Map<String, String> files(String runId) {
            Map<String, String> files = new TreeMap<>();
            archive.objects.forEach((key, file) -> {
                if (key.startsWith("reports/" + runId + "/")) {
                    files.put(key, new String(file.content(), StandardCharsets.UTF_8));
                }
            });
            return files;
        }
    }

    /** Dies (once) after the reports and RunCompleted are out, before the run is marked COMPLETED. */
    static final class CrashingStore extends MongoViewStore {

        boolean crashed;

        CrashingStore(EmbeddedMongo mongo, TestConfig config) {
            super(mongo.client(), config);
        }

        @Override
        public void markCompleted(String runId, dev.patchflow.schemas.events.RunOutcome outcome, ViewCounts counts,
                String reportLocation, Instant completedAt) {
            if (!crashed) {
                crashed = true;
                throw new IllegalStateException("killed before the run was marked COMPLETED");
            }
            super.markCompleted(runId, outcome, counts, reportLocation, completedAt);
        }
    }

    /** The event with the given CloudEvent time (the producer's clock when it emitted it). */
    static CloudEvent<?> at(PatchflowEvent data, Instant time) {
        CloudEvent<?> e = CloudEvent.of(SOURCE, data);
        return new CloudEvent<>(e.id(), e.source(), e.type(), time, e.subject(), e.runId(), e.data());
    }

    /**
     * A run with every kind of fact the four formats show: succeeded, patch and validation failures, a target
     * never started, a halt and a resume, a cluster phase whose details have no order of their own, two zone
     * errors; each event one second after the one before, in pipeline order.
     */
    static List<CloudEvent<?>> pipelineOrder(String runId) {
        List<PatchflowEvent> events = new ArrayList<>(run(runId, 3));
        // the scan's ScanCompleted goes last in run(); put zone errors on it (listed in no particular order)
        ScanCompleted scan = (ScanCompleted) events.remove(events.size() - 1);
        events.add(1, new RunHalted(runId, RunHalted.HaltCause.BUDGET_EXCEEDED, "2 failures exceed the budget of 1", 2,
                T0.plusSeconds(1), 1));
        events.add(2,
                new RunControlled(runId, RunControlled.RunControlAction.RESUME, "olga", "fixed", T0.plusSeconds(2),
                        2));
        Map<String, String> details = new LinkedHashMap<>();
        for (String key : List.of("zeta", "alpha", "mu", "beta", "omega", "gamma")) {
            details.put(key, key.toUpperCase(java.util.Locale.ROOT));
        }
        events.add(3, new ClusterPhaseCompleted(runId, "pg-main", "postgres-patroni",
                ClusterPhaseCompleted.Phase.PREFLIGHT, true, null,
                List.of(new CheckResult("replication", "sql", true, "lag 0")), Map.copyOf(details), T0.plusSeconds(3)));
        events.add(scanned(runId, "app-06"));
        events.add(new PatchNotStarted(context(runId), target("app-06"), PatchNotStarted.NotStartedStatus.CUTOFF,
                "maintenance window closed"));
        events.add(new ScanCompleted(scan.run(), scan.targetCount() + 1,
                List.of(new ZoneError("lz-prod-b", "222222222222", "eu-west-1", "AccessDenied"),
                        new ZoneError("lz-prod-a", "111111111111", "us-east-1", "timeout"))));
        List<CloudEvent<?>> timed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            timed.add(at(events.get(i), T0.plusSeconds(10 + i)));
        }
        return timed;
    }

    /**
     * The same events as a replay may read them: each topic on its own, the run-level events first and the
     * requests last, each topic in its own order (one partition per run here); each target's terminal event is
     * delivered twice, the second copy re-emitted a minute later (a producer that crashed after sending).
     */
    static List<CloudEvent<?>> topicByTopic(List<CloudEvent<?>> pipeline) {
        List<CloudEvent<?>> replay = new ArrayList<>();
        for (String topic : List.of(Topics.RUNS, Topics.VALIDATIONS, Topics.PATCHES, Topics.BACKUPS, Topics.SCANS,
                Topics.REQUESTS)) {
            for (CloudEvent<?> e : pipeline) {
                if (e.type().topic().equals(topic)) {
                    replay.add(e);
                    if (e.type().simpleName().matches("PatchFailed|PatchNotStarted|Validation.*")) {
                        replay.add(at(e.data(), e.time().plusSeconds(60)));
                    }
                }
            }
        }
        return replay;
    }

    @Test
    void completedAtIsTheLatestTimeOfTheEventsThatEndedTheRunNotTheClockOfTheServiceThatCompletesIt() {
        Service live = new Service(Duration.ofDays(400), false);
        List<CloudEvent<?>> events = pipelineOrder("r-time");
        Instant lastTerminal = events.stream()
                .filter(e -> e.type().simpleName().matches("PatchFailed|PatchNotStarted|Validation.*"))
                .map(CloudEvent::time).max(Instant::compareTo).orElseThrow();
        Instant scanEnded = events.get(events.size() - 1).time();

        live.apply(events);

        assertThat(scanEnded).isAfter(lastTerminal);
        RunCompleted done = live.publisher.sent.get(0).data();
        assertThat(done.completedAt()).isEqualTo(scanEnded);
        assertThat(live.publisher.sent.get(0).time()).as("the envelope's time").isEqualTo(scanEnded);
        assertThat(live.queries.get("r-time").orElseThrow().completedAt()).isEqualTo(scanEnded);

        // ScanCompleted first: the last target's terminal event ends the run.
        Service other = new Service(Duration.ZERO, false);
        List<CloudEvent<?>> scanFirst = new ArrayList<>(events);
        CloudEvent<?> scan = scanFirst.remove(scanFirst.size() - 1);
        scanFirst.add(0, at(scan.data(), T0));
        other.apply(scanFirst);
        assertThat(other.publisher.sent.get(0).data().completedAt()).isEqualTo(lastTerminal);
    }

    @Test
    void aReplayTopicByTopicIntoAnEmptyDatabaseWritesTheSameFourReportsAndTheSameRunCompleted() {
        Service live = new Service(Duration.ZERO, false);
        Service replay = new Service(Duration.ofDays(30), false);
        List<CloudEvent<?>> events = pipelineOrder("r-replay");

        live.apply(events);
        replay.apply(topicByTopic(events));

        assertThat(live.files("r-replay")).hasSize(4);
        assertThat(replay.files("r-replay")).isEqualTo(live.files("r-replay"));
        assertThat(replay.publisher.sent).singleElement().isEqualTo(live.publisher.sent.get(0));
        assertThat(replay.queries.get("r-replay")).isEqualTo(live.queries.get("r-replay"));
        RunReport report = live.queries.get("r-replay").orElseThrow();
        assertThat(report.zoneErrors()).extracting(ZoneError::landingZone).containsExactly("lz-prod-a", "lz-prod-b");
        assertThat(report.rollout().clusters().get(0).details().keySet()).containsExactly("alpha", "beta", "gamma",
                "mu", "omega", "zeta");
        assertThat(report.targets()).filteredOn(t -> t.targetId().equals("app-06")).singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(TargetStatus.NOT_STARTED));
    }

    @Test
    void runLevelEventsReadAfterTheRunCompletedAreInTheArchivedReportsToo() {
        Service live = new Service(Duration.ZERO, false);
        Service replay = new Service(Duration.ofDays(30), false);
        List<CloudEvent<?>> events = pipelineOrder("r-late");
        List<CloudEvent<?>> runsTopicLast = new ArrayList<>(events.stream()
                .filter(e -> !e.type().topic().equals(Topics.RUNS)).toList());
        runsTopicLast.addAll(events.stream().filter(e -> e.type().topic().equals(Topics.RUNS)).toList());

        live.apply(events);
        replay.apply(runsTopicLast);

        assertThat(replay.files("r-late").get("reports/r-late/report.json")).contains("RunHalted", "RESUME");
        assertThat(replay.files("r-late")).isEqualTo(live.files("r-late"));
        assertThat(replay.publisher.sent).singleElement().isEqualTo(live.publisher.sent.get(0));
        int stores = replay.archive.stores.get();
        replay.apply(runsTopicLast.subList(runsTopicLast.size() - 3, runsTopicLast.size()));
        assertThat(replay.archive.stores.get()).as("a redelivery writes nothing again").isEqualTo(stores);
    }

    @Test
    void aTargetsBackupReadAfterItsTerminalEventAndTheCompletionIsCountedAndArchivedToo() {
        Service inOrder = new Service(Duration.ZERO, false);
        Service late = new Service(Duration.ZERO, false);
        List<CloudEvent<?>> events = pipelineOrder("r-backup");
        // The cut-off target's BackupCompleted comes last: its PatchNotStarted on patchflow.patches overtook it.
        CloudEvent<?> backup = at(backedUp("r-backup", "app-06"), T0.plusSeconds(5));
        List<CloudEvent<?>> backupFirst = new ArrayList<>(events);
        backupFirst.add(0, backup);
        List<CloudEvent<?>> backupLast = new ArrayList<>(events);
        backupLast.add(backup);

        inOrder.apply(backupFirst);
        late.apply(backupLast);

        assertThat(late.queries.get("r-backup").orElseThrow().counts().backedUp()).isEqualTo(6);
        assertThat(late.files("r-backup")).isEqualTo(inOrder.files("r-backup"));
        assertThat(late.publisher.sent).singleElement().isEqualTo(inOrder.publisher.sent.get(0));
        int stores = late.archive.stores.get();
        late.apply(List.of(backup));
        assertThat(late.archive.stores.get()).as("a redelivery writes nothing again").isEqualTo(stores);
    }

    @Test
    void aRunCompletedReEmittedAfterACrashCarriesTheSameFactsIdAndTime() {
        Service service = new Service(Duration.ZERO, true);
        service.apply(pipelineOrder("r-again"));
        assertThat(service.publisher.sent).hasSize(1);
        assertThat(service.queries.get("r-again").orElseThrow().state()).isEqualTo(RunState.COMPLETING);
        Map<String, String> firstFiles = service.files("r-again");

        // The claim expires (its completer died), the reconciler finishes the run again, much later.
        service.clock.advance(Duration.ofHours(3));
        service.reconciler.reconcile();

        assertThat(service.publisher.sent).hasSize(2);
        CloudEvent<RunCompleted> first = service.publisher.sent.get(0);
        CloudEvent<RunCompleted> again = service.publisher.sent.get(1);
        assertThat(again).isEqualTo(first);
        assertThat(again.data().outcome()).isEqualTo(dev.patchflow.schemas.events.RunOutcome.FAILED);
        assertThat(again.data().reportLocation()).isEqualTo("s3://patchflow/reports/r-again/");
        assertThat(again.data().completedAt()).isEqualTo(first.time()).isBefore(T0.plusSeconds(60));
        assertThat(service.files("r-again")).isEqualTo(firstFiles);
        assertThat(service.queries.get("r-again").orElseThrow().state()).isEqualTo(RunState.COMPLETED);
        assertThat(service.queries.get("r-again").orElseThrow().completedAt()).isEqualTo(first.time());
    }
}
