package dev.patchflow.schemas;

/** CloudEvents 1.0 Kafka protocol binding, binary content mode: attribute names as Kafka headers. */
public final class CloudEventHeaders {

    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    /** Extension attribute: the run every event belongs to. */
    public static final String RUN_ID = "ce_runid";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_1_0 = "1.0";
    public static final String APPLICATION_JSON = "application/json";

    /** Headers that SmallRye's dead-letter strategy writes on a dead-lettered record. */
    public static final String DEAD_LETTER_REASON = "dead-letter-reason";

    private CloudEventHeaders() {
    }
}
