package dev.patchflow.scanner.domain;

import static dev.patchflow.scanner.support.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import dev.patchflow.scanner.adapters.inventory.DirectoryInventoryProvider;
import dev.patchflow.scanner.adapters.inventory.SourcePaths;
import dev.patchflow.scanner.adapters.inventory.StaticInventoryProvider;
import dev.patchflow.scanner.adapters.mongo.MongoScanStore;
import dev.patchflow.scanner.support.Fleet;
import dev.patchflow.scanner.support.RecordingEvents;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunRejected;
import dev.patchflow.schemas.events.ScanCompleted;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** The scanner with its real Mongo store (mongo-java-server) and a recording event sink. */
class ScannerTest {

    @TempDir
    Path dir;

    private MongoServer server;
    private MongoClient client;
    private MongoDatabase database;
    private RecordingEvents events;
    private Scanner scanner;
    private Fleet fleet;

    @BeforeEach
    void start() throws IOException {
        server = new MongoServer(new MemoryBackend());
        var address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        database = client.getDatabase(MongoScanStore.DATABASE);
        fleet = new Fleet(Files.createDirectory(dir.resolve("fleet")));
        events = new RecordingEvents();
        scanner = scanner(events);
    }

    private Scanner scanner(RecordingEvents sink) {
        SourcePaths paths = new SourcePaths(dir);
        InventoryProviders providers = new InventoryProviders(List.of(new StaticInventoryProvider(paths),
                new DirectoryInventoryProvider(paths, "linux", "x86_64")));
        return new Scanner(providers, new RunRequestValidator(providers, Set.of("process")),
                new MongoScanStore(database, 2), sink);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private PatchRequested fleetRequest(String runId) {
        return request().runId(runId).targets("directory", "fleet").build();
    }

    @Test
    void emitsOneInstanceScannedPerTargetThenScanCompletedWithTheCount() {
        fleet.install("app-01", "1.0.0");
        fleet.install("app-02", "1.0.0");
        fleet.install("app-03", "1.0.1");
        PatchRequested request = fleetRequest("r1");

        ScanResult result = scanner.scan(request);

        assertThat(result).isEqualTo(new ScanResult("r1", ScanState.SCANNED, 3, null, false));
        assertThat(events.published).hasSize(4);
        assertThat(events.published.subList(0, 3)).allSatisfy(e -> assertThat(e).isInstanceOf(InstanceScanned.class)
                .extracting(ev -> ((InstanceScanned) ev).run()).isEqualTo(request.context()));
        assertThat(events.published.subList(0, 3)).extracting(PatchflowEvent::targetId).containsExactly("app-01",
                "app-02", "app-03");
        assertThat(events.published.get(3)).isEqualTo(new ScanCompleted(request.context(), 3));
        assertThat(database.getCollection("scans").find(new Document("_id", "r1")).first())
                .containsEntry("state", "SCANNED").containsEntry("targetCount", 3).containsEntry("emissions", 1);
        assertThat(database.getCollection("scan_targets").countDocuments(new Document("runId", "r1"))).isEqualTo(3);
    }

    @Test
    void aRedeliveredRequestReEmitsTheRecordedTargetsWithoutDiscoveringAgain() throws IOException {
        fleet.install("app-01", "1.0.0");
        fleet.install("app-02", "1.0.0");
        scanner.scan(fleetRequest("r1"));
        List<PatchflowEvent> first = List.copyOf(events.published);
        // The fleet changes after the scan: the run's target list must not.
        fleet.install("app-03", "1.0.0");
        Files.delete(fleet.root().resolve("app-01/VERSION"));
        events.published.clear();

        ScanResult again = scanner.scan(fleetRequest("r1"));

        assertThat(again.replayed()).isTrue();
        assertThat(events.published).isEqualTo(first);
        assertThat(database.getCollection("scan_targets").countDocuments()).isEqualTo(2);
        assertThat(database.getCollection("scans").find().first()).containsEntry("emissions", 2);
    }

    @Test
    void aCrashHalfwayThroughEmittingEndsWithEveryTargetAndOneMatchingCountOnRedelivery() {
        for (int i = 1; i <= 5; i++) {
            fleet.install("app-0" + i, "1.0.0");
        }
        RecordingEvents crashing = new RecordingEvents();
        crashing.failAfter(2);
        assertThatThrownBy(() -> scanner(crashing).scan(fleetRequest("r1"))).hasMessage("broker gone");

        scanner.scan(fleetRequest("r1"));

        assertThat(events.published).extracting(PatchflowEvent::targetId).containsExactly("app-01", "app-02",
                "app-03", "app-04", "app-05", null);
        assertThat(events.published).filteredOn(ScanCompleted.class::isInstance).singleElement()
                .extracting(e -> ((ScanCompleted) e).targetCount()).isEqualTo(5);
    }

    @Test
    void targetsLeftByAnAttemptThatCrashedBeforeItsCheckpointAreReplaced() {
        database.getCollection("scan_targets").insertOne(new Document("_id", "r1/gone").append("runId", "r1")
                .append("attempt", "old").append("index", 0).append("target", "{}"));
        fleet.install("app-01", "1.0.0");

        scanner.scan(fleetRequest("r1"));
        events.published.clear();
        scanner.scan(fleetRequest("r1"));

        assertThat(events.published).extracting(PatchflowEvent::targetId).containsExactly("app-01", null);
        assertThat(database.getCollection("scan_targets").countDocuments()).isEqualTo(1);
    }

    @Test
    void rejectsAndRecordsTheRejectionSoThatARedeliveryRepeatsIt() {
        PatchRequested request = request().runId("r2").targets("directory", "no-such-root").build();

        ScanResult result = scanner.scan(request);
        fleet.install("app-01", "1");
        ScanResult again = scanner.scan(request);

        String reason = "directory root " + dir.resolve("no-such-root") + " does not exist";
        assertThat(result).isEqualTo(new ScanResult("r2", ScanState.REJECTED, 0, reason, false));
        assertThat(again.replayed()).isTrue();
        assertThat(events.published).containsExactly(new RunRejected(request.context(), reason),
                new RunRejected(request.context(), reason));
    }

    @Test
    void validationProblemsRejectBeforeDiscovery() {
        PatchRequested request = request().runId("r3").targets("ec2", "x").maxConcurrency("0%").build();

        scanner.scan(request);

        assertThat(events.published).containsExactly(new RunRejected(request.context(),
                "unknown inventory provider 'ec2' (known: directory, static); rollout.maxConcurrency '0%' must be at"
                        + " least 1"));
    }

    @Test
    void aSelectionMatchingNothingCompletesWithZeroTargets() {
        fleet.install("app-01", "1");
        PatchRequested request = request().runId("r4")
                .targets(new dev.patchflow.schemas.events.TargetSelector("directory", "fleet", "prod", null, null))
                .build();

        scanner.scan(request);

        assertThat(events.published).containsExactly(new ScanCompleted(request.context(), 0));
    }

    @Test
    void refusesADifferentRequestReusingARunId() {
        fleet.install("app-01", "1");
        scanner.scan(fleetRequest("r5"));
        events.published.clear();
        PatchRequested other = request().runId("r5").targets("directory", "fleet")
                .patch(new PatchSpec("other", "2.0", null, List.of("x"), null, null)).build();

        assertThatThrownBy(() -> scanner.scan(other)).isInstanceOf(ConflictingRequestException.class)
                .hasMessageStartingWith("run id 'r5' was already used by a different request (patch demo-app 1.1.0");
        assertThat(events.published).isEmpty();
    }

    @Test
    void keepsTheOrderOfLargeRunsAcrossWriteBatches() throws IOException {
        StringBuilder inventory = new StringBuilder("targets:\n");
        for (int i = 0; i < 25; i++) {
            inventory.append("  - id: host-").append(String.format("%03d", 24 - i)).append('\n');
        }
        Files.writeString(dir.resolve("inventory.yaml"), inventory);
        PatchRequested request = request().runId("r6").targets("static", "inventory.yaml").checks().build();
        scanner.scan(request);
        List<PatchflowEvent> first = List.copyOf(events.published);
        events.published.clear();

        scanner.scan(request);

        assertThat(events.published).isEqualTo(first);
        assertThat(first.get(0).targetId()).isEqualTo("host-024");
        assertThat(first).hasSize(26);
    }
}
