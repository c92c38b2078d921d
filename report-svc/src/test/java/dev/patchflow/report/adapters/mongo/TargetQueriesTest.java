package dev.patchflow.report.adapters.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.patchflow.report.domain.DriftAudit;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.RunRules;
import dev.patchflow.report.domain.RunState;
import dev.patchflow.report.domain.RunView;
import dev.patchflow.report.domain.TargetFilter;
import dev.patchflow.report.domain.TargetPage;
import dev.patchflow.report.domain.TargetPageRequest;
import dev.patchflow.report.domain.TargetPhase;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.report.domain.TargetStatus;
import dev.patchflow.report.domain.TargetView;
import dev.patchflow.report.domain.ViewCounts;
import dev.patchflow.report.domain.ViewStore.Stage;
import dev.patchflow.report.domain.ViewStore.TargetFact;
import dev.patchflow.report.support.EmbeddedMongo;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.TargetFacts;
import dev.patchflow.report.support.TestConfig;
import dev.patchflow.schemas.events.Target;

/**
 * The view store's read side on a real MongoDB-wire server: targets selected in the store by the filter's
 * condition (the same ones the derived status, phase and text select), in target id order, read in batches,
 * paged by key, counted from the status facts alone.
 */
class TargetQueriesTest {

    static final String RUN = "q-run";
    static final List<TargetView> COMBINATIONS = TargetFacts.everyCombination();

    static EmbeddedMongo mongo;
    static MongoViewStore store;

    /** One server and one seeded run for the class: the queries only read. */
    @BeforeAll
    static void seed() {
        mongo = new EmbeddedMongo();
        // a small batch so that streaming a run takes many round trips
        store = new MongoViewStore(mongo.client(), new TestConfig() {

            @Override
            public int targetBatchSize() {
                return 7;
            }
        });
        List<TargetView> shuffled = new ArrayList<>(COMBINATIONS);
        Collections.shuffle(shuffled, new Random(5));
        shuffled.forEach(view -> record(RUN, view));
        // A run whose id extends q-run with '|' puts its targets' _ids inside q-run's key range.
        record(RUN + "|x", TargetFacts.view("c-050", null, null, null));
        record("q-other", TargetFacts.view("c-001", null, null, null));
        for (int i = 22; i >= 0; i--) {
            record("q-pages", TargetFacts.view(String.format("p-%02d", i), null, null, null));
        }
    }

    @AfterAll
    static void stop() {
        mongo.close();
    }

    @Test
    void aBatchSizeBelowOneIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new MongoViewStore(mongo.client(), new TestConfig() {

            @Override
            public int targetBatchSize() {
                return 0;
            }
        })).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("patchflow.report.target-batch-size must be at least 1, was 0");
    }

    static void record(String runId, TargetView view) {
        Instant now = Instant.parse("2026-11-20T09:00:00Z");
        Target target = new Target(view.targetId(), view.name(), view.kind(), view.environment(), view.landingZone(),
                null, null, null, null, null, null, view.installedVersion(), null, null);
        // one batch, as the projection writes a consumed batch: the facts of a target apply in order
        List<TargetFact> facts = new java.util.ArrayList<>();
        facts.add(new TargetFact(runId, target, Stage.SCAN, null));
        if (view.backup() != null) {
            facts.add(new TargetFact(runId, target, Stage.BACKUP, view.backup()));
        }
        if (view.patch() != null) {
            facts.add(new TargetFact(runId, target, Stage.PATCH, view.patch()));
        }
        if (view.validation() != null) {
            facts.add(new TargetFact(runId, target, Stage.VALIDATION, view.validation()));
        }
        store.recordTargets(facts, now);
    }

    @Test
    void driftCandidatesAreEveryTargetOfADryRunElseOnlyTheTargetsWhoseExecutorReportedOnDrift() {
        record("q-drift", patched("d-1", Map.of("drift", "true", "versionFound", "15.8", "versionWanted", "15.9")));
        record("q-drift", patched("d-2", Map.of("drift", "false", "versionFound", "15.9", "versionWanted", "15.9")));
        record("q-drift", patched("d-3", Map.of("executor", "process")));
        record("q-drift", TargetFacts.view("d-4", null, null, null));

        assertThat(driftCandidates("q-drift", false)).containsExactly("d-1", "d-2");
        assertThat(driftCandidates("q-drift", true)).containsExactly("d-1", "d-2", "d-3", "d-4");

        RunView run = new RunView("q-drift", RunState.COMPLETED, Fixtures.context("q-drift"), true, true, 4, false,
                null, 4, null, null, Instant.parse("2026-11-20T09:00:00Z"), null, null, null);
        RunReport summary = RunRules.summary(run, ViewCounts.ZERO, null);
        try (Stream<RunReport.Drift> drift = DriftAudit.stream(store, summary).orElseThrow()) {
            assertThat(drift.toList())
                    .isEqualTo(RunRules.drift(run, store.targets("q-drift").stream().map(TargetReport::of).toList()))
                    .containsExactly(new RunReport.Drift("d-1", "15.8", "15.9"));
        }
    }

    @Test
    void aRunWhoseTargetsNeverReportedOnDriftHasNoDriftCandidatesOutsideADryRun() {
        Instant now = Instant.parse("2026-11-20T09:00:00Z");
        store.touchRun(Fixtures.context("q-no-drift"), now);
        record("q-no-drift", patched("n-1", Map.of("executor", "process")));
        record("q-no-drift", TargetFacts.view("n-2", null, null, null));
        store.touchRun(Fixtures.context("q-late-drift"), now);
        record("q-late-drift", patched("l-1", Map.of("executor", "process")));
        record("q-late-drift",
                patched("l-2", Map.of("drift", "true", "versionFound", "15.8", "versionWanted", "15.9")));

        assertThat(driftCandidates("q-no-drift", false)).isEmpty();
        assertThat(driftCandidates("q-no-drift", true)).containsExactly("n-1", "n-2");
        assertThat(driftCandidates("q-late-drift", false)).containsExactly("l-2");
    }

    @Test
    void aRunViewStoredBeforeTheDriftMarkerExistedStillHasItsDriftCandidates() {
        store.touchRun(Fixtures.context("q-old-view"), Instant.parse("2026-11-20T09:00:00Z"));
        record("q-old-view", patched("o-1", Map.of("drift", "true", "versionFound", "15.8", "versionWanted", "15.9")));
        record("q-old-view", patched("o-2", Map.of("executor", "process")));
        // As an earlier report-svc stored it: no driftReported at all.
        mongo.client().getDatabase(new TestConfig().database()).getCollection(MongoViewStore.RUNS)
                .updateOne(new Document("_id", "q-old-view"), new Document("$unset", new Document(
                        MongoViewStore.DRIFT_REPORTED, "")));

        assertThat(driftCandidates("q-old-view", false)).containsExactly("o-1");
    }

    static TargetView patched(String id, Map<String, String> details) {
        return new TargetView(id, "name of " + id, "postgres-patroni", "prod", "lz-db", "15.8", true, null,
                new PatchView("DRY_RUN", null, null, null, null, 5L, details), null);
    }

    static List<String> driftCandidates(String runId, boolean dryRun) {
        try (Stream<TargetView> targets = store.streamDriftCandidates(runId, dryRun)) {
            return targets.map(TargetView::targetId).toList();
        }
    }

    static List<String> streamed(String runId, TargetFilter filter) {
        try (Stream<TargetView> targets = store.streamTargets(runId, filter)) {
            return targets.map(TargetView::targetId).toList();
        }
    }

    static List<String> expected(TargetFilter filter) {
        return COMBINATIONS.stream().filter(filter::matches).map(TargetView::targetId).sorted().toList();
    }

    @Test
    void theStoreSelectsByStatusExactlyTheTargetsWithThatDerivedStatus() {
        for (TargetStatus status : TargetStatus.values()) {
            TargetFilter filter = new TargetFilter(Set.of(status), Set.of(), null);
            assertThat(streamed(RUN, filter)).as("status %s", status).isEqualTo(expected(filter));
        }
        TargetFilter twoStatuses = new TargetFilter(Set.of(TargetStatus.FAILED, TargetStatus.CANCELLED), Set.of(),
                null);
        assertThat(streamed(RUN, twoStatuses)).isEqualTo(expected(twoStatuses)).isNotEmpty();
    }

    @Test
    void theStoreSelectsByPhaseExactlyTheTargetsWithThatDerivedPhase() {
        for (TargetPhase phase : TargetPhase.values()) {
            TargetFilter filter = new TargetFilter(Set.of(), Set.of(phase), null);
            assertThat(streamed(RUN, filter)).as("phase %s", phase).isEqualTo(expected(filter));
        }
    }

    @Test
    void theStoreSelectsByTextInIdsNamesAndReasonsIgnoringCase() {
        for (String text : List.of("C-01", "name of c-150", "DISK FULL", "not listening", "exit code 3 FAILED/",
                "c-0.*", "lz-")) {
            TargetFilter filter = new TargetFilter(Set.of(), Set.of(), text);
            assertThat(streamed(RUN, filter)).as("text '%s'", text).isEqualTo(expected(filter));
        }
        TargetFilter all = new TargetFilter(Set.of(TargetStatus.FAILED), Set.of(TargetPhase.FAILED), "health");
        assertThat(streamed(RUN, all)).isEqualTo(expected(all)).isNotEmpty();
    }

    @Test
    void targetsStreamInTargetIdOrderWithoutTheTargetsOfAnyOtherRun() {
        assertThat(streamed(RUN, TargetFilter.ALL))
                .isEqualTo(COMBINATIONS.stream().map(TargetView::targetId).sorted().toList())
                .hasSize(COMBINATIONS.size());
        assertThat(streamed(RUN + "|x", TargetFilter.ALL)).containsExactly("c-050");
        assertThat(streamed("q-nothing", TargetFilter.ALL)).isEmpty();
    }

    @Test
    void keysetPagesWalkEveryTargetOnceForwardAndBackward() {
        List<String> forward = new ArrayList<>();
        List<TargetPage<TargetView>> pages = new ArrayList<>();
        TargetPage<TargetView> page = store.targetPage("q-pages", TargetFilter.ALL, TargetPageRequest.first(5));
        assertThat(page.previous()).isNull();
        while (true) {
            pages.add(page);
            page.targets().forEach(t -> forward.add(t.targetId()));
            if (page.next() == null) {
                break;
            }
            page = store.targetPage("q-pages", TargetFilter.ALL, new TargetPageRequest(page.next(), null, 5));
        }
        assertThat(pages).extracting(p -> p.targets().size()).containsExactly(5, 5, 5, 5, 3);
        assertThat(forward).isEqualTo(streamed("q-pages", TargetFilter.ALL)).hasSize(23);

        List<String> backward = new ArrayList<>();
        page = pages.get(pages.size() - 1);
        while (page.previous() != null) {
            page = store.targetPage("q-pages", TargetFilter.ALL, new TargetPageRequest(null, page.previous(), 5));
            List<String> ids = page.targets().stream().map(TargetView::targetId).toList();
            backward.addAll(0, ids);
        }
        assertThat(backward).isEqualTo(forward.subList(0, 20));
        assertThat(page.targets()).extracting(TargetView::targetId).containsExactly("p-00", "p-01", "p-02", "p-03",
                "p-04");
        assertThat(page.next()).isEqualTo("p-04");
    }

    @Test
    void pagesOfAFilteredRunHoldOnlySelectedTargetsInOrder() {
        TargetFilter failed = new TargetFilter(Set.of(TargetStatus.FAILED), Set.of(), null);
        List<String> seen = new ArrayList<>();
        TargetPage<TargetView> page = store.targetPage(RUN, failed, TargetPageRequest.first(7));
        while (true) {
            page.targets().forEach(t -> seen.add(t.targetId()));
            assertThat(page.targets()).allSatisfy(t -> assertThat(t.status()).isEqualTo(TargetStatus.FAILED));
            if (page.next() == null) {
                break;
            }
            page = store.targetPage(RUN, failed, new TargetPageRequest(page.next(), null, 7));
        }
        assertThat(seen).isEqualTo(expected(failed));
        assertThat(store.targetPage(RUN, failed, new TargetPageRequest("zzz", null, 7)).targets()).isEmpty();
        assertThat(store.targetPage(RUN, TargetFilter.ALL, TargetPageRequest.first(0)).targets()).isEmpty();
    }

    @Test
    void tallyCountsTheRunLikeTheFullViews() {
        var tally = store.tally(RUN);

        assertThat(tally.targets()).isEqualTo(COMBINATIONS.size());
        assertThat(tally.counts()).isEqualTo(ViewCounts.of(store.targets(RUN)));
        RunView run = new RunView(RUN, RunState.RUNNING, Fixtures.context(RUN), true, true, COMBINATIONS.size(), false,
                null, 0, null,
                null, null, null, null);
        assertThat(RunRules.runCounts(run, tally)).isEqualTo(RunRules.runCounts(run, store.targets(RUN)));
    }
}
