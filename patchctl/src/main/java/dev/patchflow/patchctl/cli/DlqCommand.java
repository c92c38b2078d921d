package dev.patchflow.patchctl.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.patchflow.patchctl.dlq.DeadLetter;
import dev.patchflow.patchctl.dlq.DeadLetterQueues;
import dev.patchflow.patchctl.report.RunNotFoundException;
import dev.patchflow.patchctl.request.UsageException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code patchctl dlq list|show|redrive}: the dead-letter topics ({@code <topic>.dlq}) that service-kit writes a record
 * to when a consumer can never accept it. Reading assigns partitions and commits nothing, so it disturbs no consumer.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Dead-lettered records: list them, show one, "
        + "re-drive them to their original topic after a fix.", subcommands = {DlqCommand.ListDeadLetters.class,
                DlqCommand.ShowDeadLetter.class, DlqCommand.Redrive.class}, footer = {"",
                        "Exit codes: 0 ok, 1 Kafka not reachable, 2 usage, 6 no such record."})
public class DlqCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** Where the broker is, like {@code request}'s options. */
    public static class KafkaOptions {

        @Option(names = "--bootstrap-servers", paramLabel = "<host:port>", defaultValue = "${sys:kafka.bootstrap.servers:-${env:PATCHFLOW_KAFKA_BOOTSTRAP:-127.0.0.1:19092}}", description = "Kafka bootstrap servers (default: -Dkafka.bootstrap.servers, else env PATCHFLOW_KAFKA_BOOTSTRAP, else 127.0.0.1:19092; now: ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Option(names = "--kafka-timeout", paramLabel = "<duration>", defaultValue = "10s", converter = DurationConverter.class, description = "Give up on Kafka after this long (default: ${DEFAULT-VALUE}).")
        Duration kafkaTimeout;

        @Option(names = "--verbose", description = "Log what patchctl does (to stderr), Kafka client warnings included.")
        boolean verbose;

        DeadLetterQueues open() {
            Verbosity.apply(verbose);
            return new DeadLetterQueues(bootstrapServers, kafkaTimeout);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead-lettered records: where they "
            + "are, why they were refused, by which consumer group, and their run and target.")
    public static class ListDeadLetters implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--topic", paramLabel = "<topic>", description = "The topic whose DLQ to read (patchflow.scans or patchflow.scans.dlq); default: every DLQ.")
        String topic;

        @Option(names = "--run", paramLabel = "<runId>", description = "Only records of this run.")
        String runId;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (DeadLetterQueues queues = kafka.open()) {
                List<String> dlqs = topic == null ? queues.dlqTopics() : List.of(DeadLetterQueues.dlqOf(topic));
                if (dlqs.isEmpty()) {
                    out.println("no dead-letter topics (nothing was ever dead-lettered)");
                }
                String format = "%-8s  %-20s  %-28s  %-20s  %-16s  %-26s  %s%n";
                for (String dlq : dlqs) {
                    List<DeadLetter> records = matching(queues.read(dlq), runId);
                    out.printf("%s: %d record%s%s%n", dlq, records.size(), records.size() == 1 ? "" : "s",
                            runId == null ? "" : " of run " + runId);
                    if (records.isEmpty()) {
                        continue;
                    }
                    out.printf(format, "REF", "TYPE", "RUN", "TARGET", "REFUSED BY", "ORIGINAL", "REASON");
                    for (DeadLetter r : records) {
                        out.printf(format, r.ref(), shortType(r.type()), r.runId().orElse("-"),
                                r.targetId().orElse("-"), dash(r.consumerGroup()), r.originalTopic() + " "
                                        + r.originalPartition() + ":" + r.originalOffset(),
                                oneLine(r.reason()));
                    }
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one dead-lettered record whole: "
            + "headers and body (pretty JSON when it is JSON).")
    public static class ShowDeadLetter implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--topic", required = true, paramLabel = "<topic>", description = "The topic whose DLQ holds the record (patchflow.scans or patchflow.scans.dlq).")
        String topic;

        @Parameters(paramLabel = "<partition:offset>", description = "The record, as `dlq list` prints it (REF); a bare offset means partition 0.")
        String ref;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Ref wanted = Ref.parse(ref);
            String dlq = DeadLetterQueues.dlqOf(topic);
            try (DeadLetterQueues queues = kafka.open()) {
                DeadLetter r = find(queues.read(dlq), dlq, wanted);
                out.printf("%s %s (written %s)%n", dlq, r.ref(), Instant.ofEpochMilli(r.timestamp()));
                out.printf("reason:      %s%n", r.reason());
                out.printf("refused by:  %s%n", dash(r.consumerGroup()));
                out.printf("original:    %s %s:%s%n", r.originalTopic(), r.originalPartition(), r.originalOffset());
                out.printf("type:        %s%n", r.type().orElse("-"));
                out.printf("run:         %s%n", r.runId().orElse("-"));
                out.printf("target:      %s%n", r.targetId().orElse("-"));
                out.printf("key:         %s%n", r.key() == null ? "(none)" : r.key());
                out.println("headers:");
                for (Header h : r.headers()) {
                    out.printf("  %s: %s%n", h.key(), text(h.value()).orElse("(binary) " + base64(h.value())));
                }
                out.printf("body (%d bytes):%n", r.value().length);
                out.println(body(r.value()));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true, description = "Publish dead-lettered records again "
            + "to their original topic, with their original key, CloudEvent headers and body (the dead-letter "
            + "headers left off). Idempotent consumers ignore an event they already handled.", footer = {"",
                    "The records stay in the DLQ (Kafka deletes nothing); re-driving one twice is harmless."})
    public static class Redrive implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Option(names = "--topic", paramLabel = "<topic>", description = "The topic whose DLQ to re-drive from; required with <partition:offset>, otherwise every DLQ.")
        String topic;

        @Option(names = "--run", paramLabel = "<runId>", description = "Re-drive every record of this run (with <partition:offset>: only those of this run).")
        String runId;

        @Parameters(arity = "0..*", paramLabel = "<partition:offset>", description = "The records to re-drive, as `dlq list` prints them (REF).")
        List<String> refs = new ArrayList<>();

        @Override
        public Integer call() {
            if (refs.isEmpty() && runId == null) {
                throw new UsageException("name the records to re-drive (<partition:offset> ... with --topic) or --run");
            }
            if (!refs.isEmpty() && topic == null) {
                throw new UsageException("<partition:offset> needs --topic (which DLQ the offsets are in)");
            }
            Set<Ref> wanted = new LinkedHashSet<>();
            refs.forEach(r -> wanted.add(Ref.parse(r)));
            PrintWriter out = spec.commandLine().getOut();
            int sent = 0;
            Set<String> origins = new java.util.HashSet<>();
            try (DeadLetterQueues queues = kafka.open()) {
                List<String> dlqs = topic == null ? queues.dlqTopics() : List.of(DeadLetterQueues.dlqOf(topic));
                for (String dlq : dlqs) {
                    List<DeadLetter> all = queues.read(dlq);
                    List<DeadLetter> chosen = new ArrayList<>();
                    if (wanted.isEmpty()) {
                        chosen.addAll(matching(all, runId));
                    } else {
                        for (Ref ref : wanted) {
                            DeadLetter r = find(all, dlq, ref);
                            if (runId != null && !r.runId().orElse("").equals(runId)) {
                                throw new UsageException(dlq + " " + r.ref() + " belongs to run "
                                        + r.runId().orElse("(none)") + ", not " + runId);
                            }
                            chosen.add(r);
                        }
                    }
                    for (DeadLetter r : chosen) {
                        // Several groups read each topic and each dead-letters on its own: one record they all
                        // refused is in the DLQ once per group, and publishing it once reaches them all again.
                        String origin = r.origin().orElse(null);
                        if (origin != null && !origins.add(origin)) {
                            out.printf("skipped  %s %s: the same record (%s) was just re-driven%n", dlq, r.ref(),
                                    origin);
                            continue;
                        }
                        RecordMetadata at = queues.redrive(r);
                        out.printf("re-drove %s %s -> %s %d:%d  %s  run %s  target %s  key %s%n", dlq, r.ref(),
                                at.topic(), at.partition(), at.offset(), shortType(r.type()), r.runId().orElse("-"),
                                r.targetId().orElse("-"), r.key() == null ? "(none)" : r.key());
                        sent++;
                    }
                }
            }
            out.printf("re-drove %d record%s%n", sent, sent == 1 ? "" : "s");
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code <partition>:<offset>}, or a bare offset in partition 0. */
    record Ref(int partition, long offset) {

        static Ref parse(String text) {
            String[] parts = text.strip().split(":", -1);
            try {
                if (parts.length == 1) {
                    return new Ref(0, Long.parseLong(parts[0]));
                }
                if (parts.length == 2) {
                    return new Ref(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException("'" + text + "' is not a record reference: expected <partition>:<offset> "
                    + "as `patchctl dlq list` prints it, e.g. 0:12");
        }
    }

    static DeadLetter find(List<DeadLetter> records, String dlq, Ref ref) {
        return records.stream().filter(r -> r.partition() == ref.partition() && r.offset() == ref.offset())
                .findFirst()
                .orElseThrow(() -> new RunNotFoundException("no record " + ref.partition() + ":" + ref.offset()
                        + " in " + dlq + (records.isEmpty()
                                ? " (it is empty)"
                                : " (it holds " + records.size() + ": see patchctl dlq list --topic " + dlq + ")")));
    }

    static List<DeadLetter> matching(List<DeadLetter> records, String runId) {
        return runId == null
                ? records
                : records.stream().filter(r -> r.runId().filter(runId::equals).isPresent()).toList();
    }

    private static String shortType(Optional<String> type) {
        return type.map(t -> t.startsWith("dev.patchflow.") ? t.substring("dev.patchflow.".length()) : t)
                .orElse("(no ce_type)");
    }

    private static String dash(String value) {
        return value == null || value.isBlank() ? "-" : value;
    }

    private static String oneLine(String value) {
        return value.replaceAll("\\s+", " ").strip();
    }

    private static String body(byte[] value) {
        if (value.length == 0) {
            return "(empty)";
        }
        Optional<String> text = text(value);
        if (text.isEmpty()) {
            return "(binary, base64) " + base64(value);
        }
        try {
            JsonNode tree = JSON.readTree(text.get());
            if (tree != null && (tree.isObject() || tree.isArray())) {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
            }
        } catch (Exception notJson) {
            // printed as text
        }
        return text.get();
    }

    private static Optional<String> text(byte[] value) {
        if (value == null) {
            return Optional.of("");
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static String base64(byte[] value) {
        return Base64.getEncoder().encodeToString(value == null ? new byte[0] : value);
    }
}
