package dev.patchflow.backup.adapters.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;

import dev.patchflow.backup.domain.ArchiveDigest;
import dev.patchflow.backup.domain.ArchiveFolderMethod;
import dev.patchflow.backup.domain.BackupRecords.Acquired;
import dev.patchflow.backup.domain.BackupRecords.Recorded;
import dev.patchflow.backup.domain.BackupState;
import dev.patchflow.backup.domain.RestorePoint;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** The adapter against a MongoDB wire server: the documents it writes and the claims it gives. */
class MongoBackupRecordsTest {

    static final Instant T0 = Instant.parse("2026-11-20T09:00:00.123Z");
    static MongoServer server;
    static MongoClient client;

    MongoCollection<Document> collection;
    MongoBackupRecords records;

    @BeforeAll
    static void startServer() {
        server = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://" + hostAndPort(server.bind()));
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.shutdown();
    }

    @BeforeEach
    void freshCollection() {
        collection = client.getDatabase("backup").getCollection(MongoBackupRecords.COLLECTION);
        collection.drop();
        records = new MongoBackupRecords(collection);
    }

    @Test
    void theFirstClaimInsertsAnInProgressDocumentKeyedByRunAndTarget() {
        assertThat(records.claim("r1/app-01", "r1", "app-01", T0)).isEqualTo(new Acquired(1));

        Document doc = collection.find(new Document("_id", "r1/app-01")).first();
        assertThat(doc.getString("state")).isEqualTo("IN_PROGRESS");
        assertThat(doc.getString("runId")).isEqualTo("r1");
        assertThat(doc.getString("targetId")).isEqualTo("app-01");
        assertThat(doc.getInteger("attempt")).isEqualTo(1);
        assertThat(doc.getDate("updatedAt")).isEqualTo(Date.from(T0));
    }

    @Test
    void claimingAnInProgressRecordAgainTakesOverWithTheNextAttempt() {
        records.claim("r1/app-01", "r1", "app-01", T0);

        assertThat(records.claim("r1/app-01", "r1", "app-01", T0.plusSeconds(5))).isEqualTo(new Acquired(2));
        assertThat(collection.countDocuments()).isEqualTo(1);
    }

    @Test
    void aRecordedOutcomeIsReturnedInsteadOfAClaim() {
        records.claim("r1/app-01", "r1", "app-01", T0);
        records.completed("r1/app-01", ArchiveFolderMethod.NAME,
                RestorePoint.archive("s3://patchflow/backups/r1/app-01.tar.gz", "backups/r1/app-01.tar.gz",
                        new ArchiveDigest("ab".repeat(32), 20480, 3)),
                T0.plusSeconds(2));

        var claim = records.claim("r1/app-01", "r1", "app-01", T0.plusSeconds(60));

        assertThat(claim).isInstanceOf(Recorded.class);
        var record = ((Recorded) claim).record();
        assertThat(record.state()).isEqualTo(BackupState.COMPLETED);
        assertThat(record.location()).isEqualTo("s3://patchflow/backups/r1/app-01.tar.gz");
        assertThat(record.sha256()).isEqualTo("ab".repeat(32));
        assertThat(record.sizeBytes()).isEqualTo(20480L);
        assertThat(record.completedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(record.attempt()).isEqualTo(1);
    }

    @Test
    void failedAndSkippedOutcomesKeepTheirReasonAndNote() {
        records.claim("r1/a", "r1", "a", T0);
        records.failed("r1/a", "install folder /x does not exist", T0);
        records.claim("r1/b", "r1", "b", T0);
        records.skipped("r1/b", "dry run", T0);

        var failed = ((Recorded) records.claim("r1/a", "r1", "a", T0)).record();
        var skipped = ((Recorded) records.claim("r1/b", "r1", "b", T0)).record();

        assertThat(failed.state()).isEqualTo(BackupState.FAILED);
        assertThat(failed.reason()).isEqualTo("install folder /x does not exist");
        assertThat(skipped.state()).isEqualTo(BackupState.SKIPPED);
        assertThat(skipped.note()).isEqualTo("dry run");
    }

    @Test
    void anOutcomeCannotBeRecordedTwice() {
        records.claim("r1/a", "r1", "a", T0);
        records.failed("r1/a", "reason", T0);

        assertThatThrownBy(() -> records.skipped("r1/a", "dry run", T0)).isInstanceOf(IllegalStateException.class);
        assertThat(collection.find().first().getString("state")).isEqualTo("FAILED");
    }

    @Test
    void onlyCompletedRecordsOlderThanTheCutoffAreDueAndExpiringThemIsConditional() {
        complete("r1/old", T0);
        complete("r2/young", T0.plus(Duration.ofDays(3)));
        records.claim("r3/failed", "r3", "failed", T0);
        records.failed("r3/failed", "x", T0);

        var due = records.dueForExpiry(T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(1)), 10);

        assertThat(due).extracting(r -> r.key()).containsExactly("r1/old");
        assertThat(due.get(0).objectKey()).isEqualTo("backups/r1/old.tar.gz");
        assertThat(records.expired("r1/old", T0.plus(Duration.ofDays(8)))).isTrue();
        assertThat(records.expired("r1/old", T0.plus(Duration.ofDays(8)))).isFalse();
        Document expired = collection.find(new Document("_id", "r1/old")).first();
        assertThat(expired.getString("state")).isEqualTo("EXPIRED");
        assertThat(expired.getDate("expiredAt")).isEqualTo(Date.from(T0.plus(Duration.ofDays(8))));
        assertThat(records.dueForExpiry(T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(1)), 10)).isEmpty();
    }

    private void complete(String key, Instant at) {
        String[] parts = key.split("/");
        records.claim(key, parts[0], parts[1], at);
        records.completed(key, ArchiveFolderMethod.NAME, RestorePoint.archive(
                "s3://patchflow/backups/" + key + ".tar.gz", "backups/" + key + ".tar.gz",
                new ArchiveDigest("cd".repeat(32), 10, 1)), at);
    }

    private static String hostAndPort(java.net.InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
