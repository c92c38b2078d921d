package dev.patchflow.schemas;

import java.util.List;

/**
 * Kafka topics: one per pipeline stage, several event types per topic, keyed by {@code runId/targetId}
 * (or {@code runId} for run-level events) so that everything about one target stays ordered.
 */
public final class Topics {

    public static final String REQUESTS = "patchflow.requests";
    public static final String SCANS = "patchflow.scans";
    public static final String BACKUPS = "patchflow.backups";
    public static final String PATCHES = "patchflow.patches";
    public static final String VALIDATIONS = "patchflow.validations";
    public static final String RUNS = "patchflow.runs";

    /** Every stage topic, in pipeline order. */
    public static final List<String> STAGES = List.of(REQUESTS, SCANS, BACKUPS, PATCHES, VALIDATIONS, RUNS);

    /** Suffix of a stage's dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private Topics() {
    }

    /** The dead-letter topic of a stage topic, e.g. {@code patchflow.scans.dlq}. */
    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
