package dev.patchflow.patchctl.dlq;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.header.Header;

import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.Topics;

/**
 * One record of a dead-letter topic as service-kit's {@code DeadLetters} wrote it: the original key, value and
 * headers, plus {@code dead-letter-*} headers saying where it was read from, which consumer group refused it and why.
 *
 * @param headers every header in record order (a header may repeat)
 */
public record DeadLetter(String dlqTopic, int partition, long offset, long timestamp, String key,
        List<Header> headers, byte[] value) {

    public DeadLetter {
        headers = List.copyOf(headers);
        value = value == null ? new byte[0] : value;
    }

    /** How an operator names one record: {@code <partition>:<offset>}. */
    public String ref() {
        return partition + ":" + offset;
    }

    /** The last value of a header, if present. */
    public Optional<String> header(String name) {
        String found = null;
        for (Header header : headers) {
            if (header.key().equals(name)) {
                found = header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return Optional.ofNullable(found);
    }

    public String reason() {
        return header(CloudEventHeaders.DEAD_LETTER_REASON).orElse("");
    }

    public String consumerGroup() {
        return header(CloudEventHeaders.DEAD_LETTER_CONSUMER_GROUP).orElse("");
    }

    /** The topic the record was refused on: the header, else the DLQ's name without {@code .dlq}. */
    public String originalTopic() {
        return header(CloudEventHeaders.DEAD_LETTER_TOPIC).filter(t -> !t.isBlank()).orElseGet(() -> dlqTopic
                .endsWith(Topics.DEAD_LETTER_SUFFIX)
                        ? dlqTopic.substring(0, dlqTopic.length() - Topics.DEAD_LETTER_SUFFIX.length())
                        : dlqTopic);
    }

    public String originalPartition() {
        return header(CloudEventHeaders.DEAD_LETTER_PARTITION).orElse("?");
    }

    public String originalOffset() {
        return header(CloudEventHeaders.DEAD_LETTER_OFFSET).orElse("?");
    }

    /** Where the original record was, {@code <topic>/<partition>:<offset>}, when the dead-letter headers say so. */
    public Optional<String> origin() {
        Optional<String> partition = header(CloudEventHeaders.DEAD_LETTER_PARTITION).filter(p -> !p.isBlank());
        Optional<String> offset = header(CloudEventHeaders.DEAD_LETTER_OFFSET).filter(o -> !o.isBlank());
        if (partition.isEmpty() || offset.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(originalTopic() + "/" + partition.get() + ":" + offset.get());
    }

    /** The run: the CloudEvent's {@code ce_runid}, else the key's part before the first {@code /}. */
    public Optional<String> runId() {
        Optional<String> fromHeader = header(CloudEventHeaders.RUN_ID).filter(r -> !r.isBlank());
        if (fromHeader.isPresent()) {
            return fromHeader;
        }
        if (key == null || key.isBlank()) {
            return Optional.empty();
        }
        int slash = key.indexOf('/');
        return Optional.of(slash < 0 ? key : key.substring(0, slash));
    }

    /** The target: the key's part after the first {@code /} (run-level events have none). */
    public Optional<String> targetId() {
        if (key != null) {
            int slash = key.indexOf('/');
            if (slash >= 0 && slash < key.length() - 1) {
                return Optional.of(key.substring(slash + 1));
            }
        }
        return Optional.empty();
    }

    /** {@code ce_type}, e.g. {@code dev.patchflow.TargetScanned}. */
    public Optional<String> type() {
        return header(CloudEventHeaders.TYPE).filter(t -> !t.isBlank());
    }

    /** Is this header one the dead-letter path added (and a re-drive must leave off)? */
    public static boolean isDeadLetterHeader(String name) {
        return name.equals(CloudEventHeaders.DEAD_LETTER_REASON)
                || name.equals(CloudEventHeaders.DEAD_LETTER_CONSUMER_GROUP)
                || name.equals(CloudEventHeaders.DEAD_LETTER_TOPIC)
                || name.equals(CloudEventHeaders.DEAD_LETTER_PARTITION)
                || name.equals(CloudEventHeaders.DEAD_LETTER_OFFSET);
    }

    /** The original record's headers: these headers without the dead-letter ones. */
    public List<Header> originalHeaders() {
        return headers.stream().filter(h -> !isDeadLetterHeader(h.key())).toList();
    }
}
