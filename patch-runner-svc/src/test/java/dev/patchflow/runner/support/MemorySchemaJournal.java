package dev.patchflow.runner.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.patchflow.runner.domain.SchemaJournal;

/** A {@link SchemaJournal} in memory, for executor tests (the Mongo one is exercised by PackagedSqlSchemaIT). */
public final class MemorySchemaJournal implements SchemaJournal {

    public final Map<String, Journal> journals = new HashMap<>();

    @Override
    public Optional<Journal> find(String runTargetId) {
        return Optional.ofNullable(journals.get(runTargetId));
    }

    @Override
    public void create(String runTargetId, String desiredSha256, List<Entry> statements, long lockToken) {
        journals.put(runTargetId, new Journal(runTargetId, desiredSha256, statements, new ArrayList<>(),
                new TreeMap<>()));
    }

    @Override
    public boolean claim(String runTargetId, long lockToken) {
        return true;
    }

    @Override
    public void started(String runTargetId, int number, long lockToken) {
        journals.get(runTargetId).started().add(number);
    }

    @Override
    public void confirmed(String runTargetId, int number, String how, long lockToken) {
        journals.get(runTargetId).confirmed().put(number, how);
    }
}
