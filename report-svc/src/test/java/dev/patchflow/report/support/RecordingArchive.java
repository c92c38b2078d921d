package dev.patchflow.report.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
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
}
