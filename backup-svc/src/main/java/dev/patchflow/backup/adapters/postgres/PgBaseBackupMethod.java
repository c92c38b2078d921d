package dev.patchflow.backup.adapters.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.patchflow.backup.domain.ArchiveDigest;
import dev.patchflow.backup.domain.ArchiveStore;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.BackupMethod;
import dev.patchflow.backup.domain.BackupRecord;
import dev.patchflow.backup.domain.RestorePoint;
import dev.patchflow.dbcluster.ClusterEngine;
import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.ClusterRefs;
import dev.patchflow.dbcluster.Credentials;
import dev.patchflow.dbcluster.Member;
import dev.patchflow.schemas.events.Target;

/**
 * Restore points of PostgreSQL clusters managed by Patroni: one {@code pg_basebackup} of the cluster's leader per
 * run, a gzipped tar with the WAL it needs ({@code -Ft -z -X fetch}), in the archive store under
 * {@code backups/<runId>/<clusterId>.base.tar.gz}. Every node of the cluster gets that restore point (a cluster is
 * restored as a whole); the first node of the cluster in a run takes it, the others reuse it (in this process:
 * two backup-svc replicas may each take one, which costs space, never correctness). {@code details.takenAt} is
 * when the copy was taken: the runner's preflight requires it to be recent.
 */
public final class PgBaseBackupMethod implements BackupMethod {

    public static final String NAME = "pg-basebackup";

    private final ArchiveStore store;
    private final ClusterEngines engines;
    private final Path binDir;
    private final Path workDir;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, RestorePoint> taken = new ConcurrentHashMap<>();

    public PgBaseBackupMethod(ArchiveStore store, ClusterEngines engines, Path binDir, Path workDir, Duration timeout,
            Clock clock) {
        this.store = store;
        this.engines = engines;
        this.binDir = binDir;
        this.workDir = workDir;
        this.timeout = timeout;
        this.clock = clock;
    }

    public static String objectKey(String runId, String clusterId) {
        return "backups/" + runId + "/" + clusterId + ".base.tar.gz";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> kinds() {
        return Set.of(Target.KIND_POSTGRES_PATRONI);
    }

    @Override
    public RestorePoint create(Job job) throws BackupFailureException {
        Target target = job.target();
        if (target.clusterId() == null || target.database() == null) {
            throw new BackupFailureException("target " + target.id() + " is not a Patroni cluster node (clusterId and "
                    + "database facts are needed)");
        }
        String key = objectKey(job.runId(), target.clusterId());
        // One base backup per cluster and run: the nodes of a cluster come one after another.
        synchronized (taken.computeIfAbsent(key + "#lock", k -> new RestorePoint(null, null, null, null, null))) {
            RestorePoint existing = taken.get(key);
            if (existing != null && job.attempt() == 1) {
                return existing;
            }
            RestorePoint made = backUp(key, target);
            taken.put(key, made);
            return made;
        }
    }

    private RestorePoint backUp(String key, Target target) throws BackupFailureException {
        ClusterEngine engine;
        ClusterRef cluster;
        Member leader;
        try {
            engine = engines.require(target.kind());
            cluster = ClusterRefs.of(target);
            leader = engine.topology(cluster).leader().orElseThrow(() -> new BackupFailureException(
                    "cluster " + target.clusterId() + " has no single leader to back up"));
        } catch (BackupFailureException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BackupFailureException("cannot find the leader of cluster " + target.clusterId() + ": "
                    + e.getMessage(), e);
        }
        Path dir = null;
        try {
            Files.createDirectories(workDir);
            dir = Files.createTempDirectory(workDir, "basebackup-");
            Credentials credentials = Credentials.resolve(cluster.credentialsRef());
            String user = credentials.replicationUser() != null
                    ? credentials.replicationUser()
                    : credentials.userOr("postgres");
            List<String> argv = new ArrayList<>(List.of(binDir.resolve("pg_basebackup").toString(), "-h",
                    leader.host(), "-p", Integer.toString(leader.port()), "-U", user, "-D", dir.resolve("out")
                            .toString(),
                    "-Ft", "-z", "-X", "fetch", "-c", "fast", "--no-password"));
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("pg_basebackup.log").toFile());
            if (credentials.replicationPassword() != null) {
                builder.environment().put("PGPASSWORD", credentials.replicationPassword());
            }
            java.time.Instant takenAt = clock.instant();
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new BackupFailureException("pg_basebackup of " + leader.name() + " (cluster "
                        + target.clusterId() + ") timed out after " + timeout.toSeconds() + "s");
            }
            if (process.exitValue() != 0) {
                throw new BackupFailureException("pg_basebackup of " + leader.name() + " (cluster "
                        + target.clusterId() + ") exited with " + process.exitValue() + ": "
                        + lastLine(dir.resolve("pg_basebackup.log")));
            }
            Path archive = dir.resolve("out").resolve("base.tar.gz");
            ArchiveDigest digest = digest(archive);
            String location = store.put(key, archive, digest);
            Map<String, String> details = new TreeMap<>();
            details.put("takenAt", takenAt.toString());
            details.put("source", leader.name());
            details.put("cluster", target.clusterId());
            details.put("sha256", digest.sha256());
            return new RestorePoint(location, key, digest.sha256(), digest.sizeBytes(), new TreeMap<>(details));
        } catch (IOException e) {
            throw new BackupFailureException("base backup of cluster " + target.clusterId() + " failed: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailureException("interrupted while backing up cluster " + target.clusterId(), e);
        } finally {
            deleteTree(dir);
        }
    }

    @Override
    public void expire(BackupRecord record) throws BackupFailureException {
        // Every node's record points at the cluster's one object; deleting it twice is not an error.
        store.delete(record.objectKey());
    }

    private static ArchiveDigest digest(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new ArchiveDigest(HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest()),
                    Files.size(file), 0);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder
        }
    }
}
