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

    /** On a dead-lettered record (service-kit DeadLetters): why it was refused. */
    public static final String DEAD_LETTER_REASON = "dead-letter-reason";
    /** On a dead-lettered record: the consumer group that refused it (several services share each DLQ topic). */
    public static final String DEAD_LETTER_CONSUMER_GROUP = "dead-letter-consumer-group";
    /** On a dead-lettered record: where it was read from (topic, partition, offset). */
    public static final String DEAD_LETTER_TOPIC = "dead-letter-topic";
    public static final String DEAD_LETTER_PARTITION = "dead-letter-partition";
    public static final String DEAD_LETTER_OFFSET = "dead-letter-offset";

    private CloudEventHeaders() {
    }
}
