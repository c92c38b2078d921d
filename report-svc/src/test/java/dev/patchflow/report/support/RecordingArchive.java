package dev.patchflow.report.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.patchflow.report.domain.ReportArchive;
import dev.patchflow.report.domain.ReportFile;

/** Keeps stored report files in memory, keyed like the S3 objects ({@code reports/<runId>/<name>}). */
public class RecordingArchive implements ReportArchive {

    /** A stored file with the bytes its content wrote. */
    public record StoredFile(String name, String contentType, byte[] content) {
    }

    public final Map<String, StoredFile> objects = new ConcurrentHashMap<>();
    public final AtomicInteger stores = new AtomicInteger();
    public volatile boolean failing;
    /** Files served from here ({@link #open}). */
    public final AtomicInteger reads = new AtomicInteger();
    /** An S3 that stores nothing and cannot be read: {@link #open} finds nothing. */
    public volatile boolean unreadable;

    /** For CDI client proxies, where a field read would see the proxy's own (empty) field. */
    public Map<String, StoredFile> stored() {
        return objects;
    }

    @Override
    public String location(String runId) {
        return "s3://patchflow/reports/" + runId + "/";
    }

    @Override
    public void store(String runId, List<ReportFile> files) {
        if (failing) {
            throw new IllegalStateException("S3 unavailable");
        }
        stores.incrementAndGet();
        for (ReportFile f : files) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                f.content().writeTo(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            objects.put("reports/" + runId + "/" + f.name(), new StoredFile(f.name(), f.contentType(),
                    bytes.toByteArray()));
        }
    }

    @Override
    public Optional<InputStream> open(String runId, String name) {
        StoredFile file = objects.get("reports/" + runId + "/" + name);
        if (unreadable || file == null) {
            return Optional.empty();
        }
        reads.incrementAndGet();
        return Optional.of(new ByteArrayInputStream(file.content()));
    }
}
