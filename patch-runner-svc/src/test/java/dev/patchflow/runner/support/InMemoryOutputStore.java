package dev.patchflow.runner.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import dev.patchflow.runner.adapters.s3.MinioOutputStore;
import dev.patchflow.runner.domain.OutputStore;

/** Replaces S3 in the fast component tests (enabled by their profile); real-S3 behaviour is in the ITs. */
@Alternative
@ApplicationScoped
public class InMemoryOutputStore implements OutputStore {

    private final Map<String, String> objects = new ConcurrentHashMap<>();

    @Override
    public String store(String runId, String targetId, Path file) {
        String key = MinioOutputStore.key(runId, targetId);
        try {
            objects.put(key, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "s3://patchflow/" + key;
    }

    public String object(String key) {
        return objects.get(key);
    }
}
