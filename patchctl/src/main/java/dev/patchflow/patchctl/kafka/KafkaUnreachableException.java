package dev.patchflow.patchctl.kafka;

/** The broker did not answer or did not acknowledge the request in time. */
public class KafkaUnreachableException extends RuntimeException {

    private final String bootstrapServers;

    public KafkaUnreachableException(String bootstrapServers, String message, Throwable cause) {
        super(message, cause);
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }
}
