package dev.patchflow.backup.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patchflow.schemas.events.Target;

/**
 * Restore points of Kubernetes workloads: the data the request says the patch touches, exported to the archive
 * store before the patch runs. {@code patch.parameters}:
 * <ul>
 * <li>{@code backupMongo}: {@code <database>.<collection>}, comma-separated → {@code mongo/<db>/<coll>.jsonl}, one
 * canonical Extended JSON document per line in {@code _id} order;</li>
 * <li>{@code backupS3}: {@code <bucket>/<prefix>}, comma-separated → each object copied to
 * {@code s3/<bucket>/<key>};</li>
 * <li>{@code backupSource}: which configured data source to read (default {@code default}).</li>
 * </ul>
 * Under {@code backups/<runId>/<targetId>/}, with {@code manifest.jsonl} (one line per exported file: what it is,
 * counts, SHA-256, size) and {@code SHA256SUMS} ({@code sha256sum -c} format). The event's {@code sha256} is the
 * manifest's. A redone attempt overwrites the same keys. Restore: see backup-svc/README.md.
 */
public final class WorkloadExportMethod implements BackupMethod {

    public static final String NAME = "workload-export";
    public static final String MONGO = "backupMongo";
    public static final String S3 = "backupS3";
    public static final String SOURCE = "backupSource";
    public static final String DEFAULT_SOURCE = "default";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArchiveStore store;
    private final WorkloadData data;
    private final Path workDir;

    public WorkloadExportMethod(ArchiveStore store, WorkloadData data, Path workDir) {
        this.store = store;
        this.data = data;
        this.workDir = workDir;
    }

    /** Where a target's export lives: {@code backups/<runId>/<targetId>/}. */
    public static String prefix(String runId, String targetId) {
        return "backups/" + runId + "/" + targetId + "/";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> kinds() {
        return Set.of(Target.KIND_KUBERNETES);
    }

    @Override
    public RestorePoint create(Job job) throws BackupFailureException {
        Map<String, String> parameters = job.run().patch().parameters();
        List<String[]> collections = collections(parameters.get(MONGO));
        List<String[]> prefixes = prefixes(parameters.get(S3));
        if (collections.isEmpty() && prefixes.isEmpty()) {
            throw new BackupFailureException("nothing to export for " + job.targetId()
                    + ": the request declares neither patch.parameters." + MONGO + " (database.collection, ...) nor "
                    + S3 + " (bucket/prefix, ...); a workload is not patched without a restore point of its data");
        }
        String source = parameters.getOrDefault(SOURCE, DEFAULT_SOURCE);
        String prefix = prefix(job.runId(), job.targetId());
        List<Map<String, Object>> manifest = new ArrayList<>();
        StringBuilder sums = new StringBuilder();
        long documents = 0;
        long objects = 0;
        long bytes = 0;
        for (String[] collection : collections) {
            String relative = "mongo/" + collection[0] + "/" + collection[1] + ".jsonl";
            long[] count = new long[1];
            Exported file = export(prefix + relative, out -> {
                try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                    count[0] = data.exportCollection(source, collection[0], collection[1], writer);
                }
            });
            documents += count[0];
            bytes += file.size();
            manifest.add(entry("mongo", Map.of("database", collection[0], "collection", collection[1]), relative,
                    file, Map.of("documents", count[0])));
            sums.append(file.sha256()).append("  ").append(relative).append('\n');
        }
        for (String[] bucketPrefix : prefixes) {
            for (WorkloadData.StoredObject object : data.listObjects(source, bucketPrefix[0], bucketPrefix[1])) {
                String relative = "s3/" + bucketPrefix[0] + "/" + object.key();
                Exported file = export(prefix + relative, out -> {
                    try (InputStream in = data.openObject(source, bucketPrefix[0], object.key())) {
                        in.transferTo(out);
                    }
                });
                objects++;
                bytes += file.size();
                manifest.add(entry("s3", Map.of("bucket", bucketPrefix[0], "key", object.key()), relative, file,
                        Map.of()));
                sums.append(file.sha256()).append("  ").append(relative).append('\n');
            }
        }
        Exported manifestFile = export(prefix + "manifest.jsonl", out -> {
            for (Map<String, Object> line : manifest) {
                out.write(JSON.writeValueAsBytes(line));
                out.write('\n');
            }
        });
        String sumsText = sums.toString();
        export(prefix + "SHA256SUMS", out -> out.write(sumsText.getBytes(StandardCharsets.UTF_8)));

        Map<String, String> details = new TreeMap<>();
        details.put("source", source);
        details.put("manifest", prefix + "manifest.jsonl");
        if (!collections.isEmpty()) {
            details.put("collections", String.join(",", collections.stream().map(c -> c[0] + "." + c[1]).toList()));
            details.put("documents", Long.toString(documents));
        }
        if (!prefixes.isEmpty()) {
            details.put("s3Prefixes", String.join(",", prefixes.stream().map(p -> p[0] + "/" + p[1]).toList()));
            details.put("objects", Long.toString(objects));
        }
        return new RestorePoint(location(prefix, manifestFile.location()), null, manifestFile.sha256(),
                bytes + manifestFile.size(), new TreeMap<>(details));
    }

    @Override
    public void expire(BackupRecord record) throws BackupFailureException {
        String manifest = record.details().get("manifest");
        if (manifest == null || !manifest.endsWith("manifest.jsonl")) {
            throw new BackupFailureException("record " + record.key() + " has no export manifest to expire");
        }
        store.deleteAll(manifest.substring(0, manifest.length() - "manifest.jsonl".length()));
    }

    /** {@code s3://<bucket>/backups/<runId>/<targetId>/}, from the manifest object's location. */
    private static String location(String prefix, String manifestLocation) {
        return manifestLocation.substring(0, manifestLocation.length() - (prefix + "manifest.jsonl").length())
                + prefix;
    }

    private static Map<String, Object> entry(String kind, Map<String, String> what, String relative, Exported file,
            Map<String, Object> extra) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", kind);
        line.putAll(new TreeMap<>(what));
        line.put("file", relative);
        line.putAll(extra);
        line.put("sha256", file.sha256());
        line.put("sizeBytes", file.size());
        return line;
    }

    private interface Content {

        void writeTo(OutputStream out) throws IOException, BackupFailureException;
    }

    private record Exported(String location, String sha256, long size) {
    }

    /** Streams the content to a temporary file while hashing it, uploads it, deletes the file. */
    private Exported export(String key, Content content) throws BackupFailureException {
        Path file = null;
        try {
            Files.createDirectories(workDir);
            file = Files.createTempFile(workDir, "workload-export-", ".part");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
                content.writeTo(out);
            }
            String sha256 = HexFormat.of().formatHex(sha.digest());
            long size = Files.size(file);
            String location = store.put(key, file, new ArchiveDigest(sha256, size, 1));
            return new Exported(location, sha256, size);
        } catch (IOException e) {
            throw new BackupFailureException("cannot write the export of " + key + " in " + workDir + ": "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // A leftover temp file is harmless.
                }
            }
        }
    }

    private static List<String[]> collections(String value) throws BackupFailureException {
        List<String[]> collections = new ArrayList<>();
        for (String item : split(value)) {
            int dot = item.indexOf('.');
            if (dot <= 0 || dot == item.length() - 1) {
                throw new BackupFailureException("patch.parameters." + MONGO + ": '" + item
                        + "' is not <database>.<collection>");
            }
            collections.add(new String[]{item.substring(0, dot), item.substring(dot + 1)});
        }
        return collections;
    }

    private static List<String[]> prefixes(String value) throws BackupFailureException {
        List<String[]> prefixes = new ArrayList<>();
        for (String item : split(value)) {
            String trimmed = item.startsWith("s3://") ? item.substring(5) : item;
            int slash = trimmed.indexOf('/');
            String bucket = slash < 0 ? trimmed : trimmed.substring(0, slash);
            if (bucket.isEmpty() || trimmed.contains("..")) {
                throw new BackupFailureException(
                        "patch.parameters." + S3 + ": '" + item + "' is not <bucket>/<prefix>");
            }
            prefixes.add(new String[]{bucket, slash < 0 ? "" : trimmed.substring(slash + 1)});
        }
        return prefixes;
    }

    private static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
