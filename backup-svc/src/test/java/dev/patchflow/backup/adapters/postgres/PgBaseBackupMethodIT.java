package dev.patchflow.backup.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.backup.domain.ArchiveDigest;
import dev.patchflow.backup.domain.ArchiveStore;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.BackupMethod;
import dev.patchflow.backup.domain.RestorePoint;
import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.node.LocalProcessNodeRunner;
import dev.patchflow.dbcluster.testing.PatroniCluster;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/** pg_basebackup of a real (one-node) Patroni cluster's leader, one per cluster and run. */
class PgBaseBackupMethodIT {

    static PatroniCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        cluster = PatroniCluster.start(1);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The archive store as a folder, counting uploads. */
    final class Folder implements ArchiveStore {

        final AtomicInteger uploads = new AtomicInteger();
        final List<String> deleted = new ArrayList<>();

        @Override
        public String put(String key, Path archive, ArchiveDigest digest) {
            try {
                Path object = dir.resolve("store").resolve(key);
                Files.createDirectories(object.getParent());
                Files.copy(archive, object, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            uploads.incrementAndGet();
            return "s3://patchflow/" + key;
        }

        @Override
        public void delete(String key) {
            deleted.add(key);
        }
    }

    private PgBaseBackupMethod method(Folder store) {
        return new PgBaseBackupMethod(store, ClusterEngines.standard(new NodeRunners(List.of(
                new LocalProcessNodeRunner())), cluster.settings()), PatroniCluster.BIN, dir.resolve("work"),
                Duration.ofMinutes(2), Clock.systemUTC());
    }

    private Target node(String name, String apiUrl) {
        return new Target(cluster.clusterId() + "." + name, name, Target.KIND_POSTGRES_PATRONI, "test", "lz", Map.of(),
                "127.0.0.1", "linux", "x86_64", "running", null, null, cluster.clusterId(), "primary", null, null,
                new DatabaseTarget(Target.KIND_POSTGRES_PATRONI, null, null, null, apiUrl, name, null));
    }

    private static RunContext run(String runId) {
        return new RunContext(runId, Instant.now(), "alice", new PatchSpec("pg", "15.9", "db-cluster",
                List.of("true"), null, Map.of()), null, null);
    }

    @Test
    void takesOneBaseBackupOfTheLeaderPerClusterAndRunForEveryNode() throws Exception {
        Folder store = new Folder();
        PgBaseBackupMethod method = method(store);
        Target node1 = node("node1", cluster.node("node1").apiUrl());
        Instant before = Instant.now();

        RestorePoint first = method.create(new BackupMethod.Job(run("r1"), node1, 1));
        RestorePoint again = method.create(new BackupMethod.Job(run("r1"), node(
                "node1-again", cluster.node("node1").apiUrl()), 1));

        assertThat(store.uploads).hasValue(1);
        assertThat(again).isEqualTo(first);
        assertThat(first.location()).isEqualTo("s3://patchflow/backups/r1/" + cluster.clusterId() + ".base.tar.gz");
        assertThat(first.details()).containsEntry("source", "node1").containsKey("takenAt");
        assertThat(Instant.parse(first.details().get("takenAt"))).isBetween(before, Instant.now());
        // A real base backup: PostgreSQL's own files and the backup label, gzipped tar.
        Path object = dir.resolve("store").resolve(first.objectKey());
        assertThat(first.sizeBytes()).isEqualTo(Files.size(object));
        assertThat(entries(object)).contains("PG_VERSION", "backup_label", "global/pg_control");
    }

    @Test
    void aClusterThatCannotBeReachedFailsTheBackupNamingIt() {
        PgBaseBackupMethod method = method(new Folder());
        assertThatThrownBy(() -> method.create(new BackupMethod.Job(run("r2"), node("node1", "http://127.0.0.1:1"), 1)))
                .isInstanceOf(BackupFailureException.class)
                .hasMessageContaining("cannot find the leader of cluster " + cluster.clusterId());
    }

    private static List<String> entries(Path archive) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive));
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

}
