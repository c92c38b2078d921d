package dev.patchflow.pkg.engine;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of the apply journal. {@code BEGIN} opens an apply; each {@code STEP} is written (and
 * fsync'd) before its backup and its change; {@code COMMIT} is written after the VERSION marker.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JournalEntry(String type, Integer n, StepKind op, String path, Boolean existed, List<String> createdDirs,
        String version, String fromVersion, String strategy, String sha256) {

    static final String BEGIN = "BEGIN";
    static final String STEP = "STEP";
    static final String COMMIT = "COMMIT";

    static JournalEntry begin(String version, String fromVersion, String strategy, String sha256) {
        return new JournalEntry(BEGIN, null, null, null, null, null, version, fromVersion, strategy, sha256);
    }

    static JournalEntry step(int n, StepKind op, String path, boolean existed, List<String> createdDirs) {
        return new JournalEntry(STEP, n, op, path, existed, createdDirs, null, null, null, null);
    }

    static JournalEntry commit() {
        return new JournalEntry(COMMIT, null, null, null, null, null, null, null, null, null);
    }
}
