package dev.patchflow.kit.messaging;

import java.util.List;

/**
 * A service's handling of one batch of valid events: decide, write its state (in bulk), publish (and wait for
 * the acknowledgements). Must be idempotent: after any exception the whole batch is handed over again.
 */
@FunctionalInterface
public interface BatchHandler {

    /**
     * @param events the batch's events of the types this consumer handles, in record order (several events of
     *        one key keep their order)
     * @param refusals where a valid event that can never be accepted is refused (it goes to the dead-letter
     *        topic with the reason); refusals of an attempt that then throws are forgotten
     * @throws Exception a dependency failed (MongoDB, S3, Kafka): transient, the batch is retried with backoff
     *         and its offsets are not committed meanwhile
     */
    void handle(List<IncomingEvent> events, Refusals refusals) throws Exception;
}
