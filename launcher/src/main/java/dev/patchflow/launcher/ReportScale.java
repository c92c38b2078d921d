package dev.patchflow.launcher;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.lt;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.bson.Document;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;

import dev.patchflow.localstack.LocalAuth;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.ServiceProcess;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * Reports at scale, on real servers: a run of {@code targets} target views written straight into report-svc's
 * view store (the documents its projector writes, report-svc/README.md "State"), served over HTTP by the
 * packaged report-svc started with {@code -Xmx256m} (local-stack's {@link ServiceProcess}), completed by a real
 * {@code ScanCompleted} on the broker (which makes report-svc archive the four reports in S3). Used by
 * {@link ReportBenchmark} (figures) and {@code ReportsAtScaleIT} (what was served).
 * <p>
 * The run is seeded with every target terminal but the scan not complete, so it stays RUNNING (the dashboard
 * counts it from its views) until {@link #complete} publishes ScanCompleted. 1 in 100 targets failed its patch
 * ("exit code 3: disk full on …"), 1 in 200 of the others its validation; the rest are patched and validated.
 */
public final class ReportScale implements AutoCloseable {

    /** The heap report-svc gets here: the figure the issue sets for a 100,000-target run. */
    public static final String MAX_HEAP = "256m";

    static final String DATABASE = "report";
    /** report-svc reads target views in batches of this size by default (patchflow.report.target-batch-size). */
    static final int BATCH = 250;
    /** Views per insert while seeding. */
    private static final int SEED_BATCH = 1000;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The longest a request may go without a byte: a 100,000-target report takes seconds, not minutes. */
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

    private final LocalStack stack;
    private final ServiceProcess report;
    private final MongoClient mongo;
    private final String viewerToken;
    private final String runId;
    private final int targets;
    private final String maxHeap;
    private final RunContext context;

    private ReportScale(LocalStack stack, ServiceProcess report, MongoClient mongo, String viewerToken, String runId,
            int targets, String maxHeap, RunContext context) {
        this.stack = stack;
        this.report = report;
        this.mongo = mongo;
        this.viewerToken = viewerToken;
        this.runId = runId;
        this.targets = targets;
        this.maxHeap = maxHeap;
        this.context = context;
    }

    /** Starts the stack, seeds the run, starts report-svc at {@link #MAX_HEAP} and waits until it is ready. */
    public static ReportScale start(Path home, Path dataDir, int targets, Consumer<String> progress)
            throws IOException, InterruptedException {
        return start(home, dataDir, targets, MAX_HEAP, 0, BATCH, ReportScale::deployedJvmOptions, progress);
    }

    /**
     * As {@link #start(Path, Path, int, Consumer)} with report-svc's JVM options for its heap limit
     * ({@code jvmOptions}: {@link #deployedJvmOptions} or {@link #localRunJvmOptions}), that limit {@code maxHeap}
     * (e.g. {@code 128m}), {@code tailBytes} more characters in every target's output tail and report-svc reading {@code batchSize} views per batch
     * ({@code patchflow.report.target-batch-size}): a few thousand targets then make reports larger than
     * report-svc's whole heap, which only a streamed report survives. A streamed report holds about three batches
     * (the driver's reply, the one read ahead, the one rendered), so big views need small batches.
     */
    public static ReportScale start(Path home, Path dataDir, int targets, String maxHeap, int tailBytes,
            int batchSize, Function<String, List<String>> jvmOptions, Consumer<String> progress)
            throws IOException, InterruptedException {
        if (targets < 1) {
            throw new IllegalArgumentException("targets must be at least 1, was " + targets);
        }
        if (tailBytes < 0) {
            throw new IllegalArgumentException("tailBytes must not be negative, was " + tailBytes);
        }
        LocalStack stack = LocalStack.builder().dataDir(dataDir.resolve("stack")).build().start();
        MongoClient mongo = null;
        ServiceProcess report = null;
        try {
            LocalAuth auth = LocalAuth.open(dataDir.resolve("auth"));
            mongo = MongoClients.create(stack.mongoConnectionString());
            String runId = "scale-" + UUID.randomUUID().toString().substring(0, 8);
            RunContext context = new RunContext(runId, Instant.now(), "benchmark",
                    new PatchSpec("demo-app", "1.1.0", PatchSpec.EXECUTOR_PROCESS, List.of("sh", "apply.sh"), 60,
                            Map.of()),
                    new TargetSelector("static", "bench-inventory.yaml", null, List.of(), Map.of()),
                    new RunOptions(false, Phases.ALL, new RolloutPolicy(null, "32"), List.of()));
            long start = System.nanoTime();
            seed(mongo, context, targets, "x".repeat(tailBytes));
            progress.accept(String.format("seeded %d target views of run %s (output tails +%d bytes) in %.1f s",
                    targets, runId, tailBytes, (System.nanoTime() - start) / 1e9));

            Map<String, String> properties = new java.util.HashMap<>(stack.serviceProperties());
            properties.putAll(auth.serviceProperties());
            properties.put("patchflow.report.target-batch-size", Integer.toString(batchSize));
            report = new ServiceProcess(PatchflowService.REPORT.module(), home, dataDir.resolve("logs"),
                    PatchflowSystem.freePort(), properties, Map.of(), jvmOptions.apply(maxHeap)).start();
            progress.accept("report-svc -Xmx" + maxHeap + ", batches of " + batchSize + " views, starting on "
                    + report.baseUrl() + ", log "
                    + report.logFile());
            report.awaitReady(Duration.ofMinutes(3));
            return new ReportScale(stack, report, mongo, auth.roleToken("viewer", Duration.ofHours(2)), runId,
                    targets, maxHeap, context);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (report != null) {
                report.close();
            }
            if (mongo != null) {
                mongo.close();
            }
            stack.close();
            throw e;
        }
    }

    /**
     * report-svc's JVM options in the local run (quick start: the client compiler only; a young generation of a
     * third of the heap limit) with that limit {@code maxHeap}.
     */
    static List<String> localRunJvmOptions(String maxHeap) {
        List<String> options = new ArrayList<>();
        for (String option : ServiceProcess.DEFAULT_JVM_OPTIONS) {
            options.add(option.startsWith("-Xmx") ? "-Xmx" + maxHeap : option);
        }
        return ServiceProcess.youngGenerationOfAThird(options);
    }

    /**
     * report-svc as it is deployed (k8s/base/report-svc.yaml sets no compiler option: the JVM's tiered compilation,
     * C2 included; a young generation of a third of the heap), with the local run's collector and the heap limited to
     * {@code maxHeap}. The local run keeps only the client compiler so that five services start quickly on one
     * machine; a deployed report-svc is a long-running JVM whose rendering code is compiled by C2.
     */
    static List<String> deployedJvmOptions(String maxHeap) {
        return localRunJvmOptions(maxHeap).stream().filter(option -> !option.startsWith("-XX:TieredStopAtLevel"))
                .toList();
    }

    /** report-svc's heap limit ({@code -Xmx}). */
    public String maxHeap() {
        return maxHeap;
    }

    public String runId() {
        return runId;
    }

    public int targets() {
        return targets;
    }

    public LocalStack stack() {
        return stack;
    }

    public ServiceProcess reportService() {
        return report;
    }

    /** The id of target {@code i}, in the order every report lists them. */
    public static String targetId(int i) {
        return String.format("t-%06d", i);
    }

    public static boolean patchFailed(int i) {
        return i % 100 == 37;
    }

    public static boolean validationFailed(int i) {
        return !patchFailed(i) && i % 200 == 11;
    }

    // --- what is measured ------------------------------------------------------------------------------------

    /**
     * One timed read: time to the first byte of the body, to the last, and its size; the CPU time report-svc and
     * this process (the MongoDB-wire server, the client) spent meanwhile, which says more than wall time on a
     * machine shared with other work; and how much of report-svc's was its JIT compiler's threads (code still
     * being compiled: a long-running report-svc has done that work once, the benchmark's young one pays it
     * during the requests it times).
     */
    public record Timing(int status, String contentType, double firstByteSeconds, double totalSeconds, long bytes,
            byte[] body, double serviceCpuSeconds, double serviceCompilerCpuSeconds, double stackCpuSeconds) {

        public double megabytes() {
            return bytes / 1e6;
        }
    }

    /**
     * The reference: the same run's target views read from the same MongoDB-wire server in this process, in the
     * same order and batches as report-svc reads them, and thrown away. {@code bytes} counts documents.
     */
    public Timing streamViewsToNowhere() {
        double serviceCpu = reportCpuSeconds();
        double compilerCpu = reportCompilerCpuSeconds();
        double stackCpu = ownCpuSeconds();
        long start = System.nanoTime();
        long first = -1;
        long count = 0;
        try (MongoCursor<Document> cursor = targetViews().find(and(gte("_id", runId + "|"), lt("_id", runId + "}"),
                eq("runId", runId))).sort(Sorts.ascending("_id")).batchSize(BATCH).cursor()) {
            while (cursor.hasNext()) {
                cursor.next();
                if (first < 0) {
                    first = System.nanoTime();
                }
                count++;
            }
        }
        long end = System.nanoTime();
        return new Timing(200, "views", ((first < 0 ? end : first) - start) / 1e9, (end - start) / 1e9, count, null,
                reportCpuSeconds() - serviceCpu, reportCompilerCpuSeconds() - compilerCpu, ownCpuSeconds() - stackCpu);
    }

    /**
     * {@code GET path} on report-svc as a viewer, the body read to the end ({@code keepBody}: and kept, for a
     * test to look at; otherwise thrown away as it arrives).
     * <p>
     * Over HTTP/1.1, as a browser or curl asks for an {@code http://} address, with the JDK's
     * {@link HttpURLConnection}. {@code java.net.http}'s client upgraded to h2c, which no browser does, and on these
     * two cores it spent 0.2–0.6 s of CPU receiving a 100 MB report (0.1 s here): time taken from the service being
     * measured and counted in the stack's CPU.
     */
    public Timing get(String path, boolean keepBody) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(report.baseUrl() + path).toURL()
                .openConnection();
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) READ_TIMEOUT.toMillis());
        connection.setRequestProperty("Authorization", "Bearer " + viewerToken);
        double serviceCpu = reportCpuSeconds();
        double compilerCpu = reportCompilerCpuSeconds();
        double stackCpu = ownCpuSeconds();
        long start = System.nanoTime();
        int status = connection.getResponseCode();
        long first;
        long bytes = 0;
        java.io.ByteArrayOutputStream kept = keepBody ? new java.io.ByteArrayOutputStream() : null;
        // An error's body comes from the error stream, which is null when there is none.
        try (InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            int b = body == null ? -1 : body.read();
            first = System.nanoTime();
            if (b >= 0) {
                bytes = 1;
                if (kept != null) {
                    kept.write(b);
                }
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = body.read(buffer)) > 0;) {
                    bytes += n;
                    if (kept != null) {
                        kept.write(buffer, 0, n);
                    }
                }
            }
        }
        long end = System.nanoTime();
        return new Timing(status, Objects.requireNonNullElse(connection.getContentType(), ""),
                (first - start) / 1e9, (end - start) / 1e9, bytes, kept == null ? null : kept.toByteArray(),
                reportCpuSeconds() - serviceCpu, reportCompilerCpuSeconds() - compilerCpu, ownCpuSeconds() - stackCpu);
    }

    /**
     * Publishes the run's ScanCompleted on the broker and waits until report-svc has completed the run (counted
     * it, written the four reports to S3, emitted RunCompleted); returns the seconds from publishing to
     * COMPLETED.
     */
    public double complete(Duration timeout) throws Exception {
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = PipelineBenchmark.producer(stack.kafkaBootstrapServers())) {
            producer.send(new EventCodec().toRecord(CloudEvent.of("/patchflow/scanner-svc",
                    new ScanCompleted(context, targets)))).get();
        }
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Timing summary = get("/api/runs/" + runId + "?limit=0", true);
            JsonNode run = EventJson.mapper().readTree(summary.body());
            if ("COMPLETED".equals(run.path("state").asText())) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("run " + runId + " did not complete within " + timeout + "; see "
                + report.logFile());
    }

    /** report-svc's peak resident set size ({@code VmHWM}), in MB; -1 where /proc is not there. */
    public double reportPeakRssMegabytes() {
        return report.peakRssKib().map(kib -> kib / 1024.0).orElse(-1.0);
    }

    /** CPU time report-svc has used so far ({@code /proc/<pid>/stat} utime + stime); 0 where /proc is not there. */
    public double reportCpuSeconds() {
        try {
            return cpuSeconds(Files.readString(Path.of("/proc", Long.toString(report.pid()), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU time report-svc's JIT compiler threads ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}) have used so
     * far, from {@code /proc/<pid>/task/*}; 0 where /proc is not there. A compiler thread the JVM stops takes its
     * time with it, so this can undercount, never overcount.
     */
    public double reportCompilerCpuSeconds() {
        return compilerCpuSeconds(report.pid());
    }

    /**
     * As {@link #reportCompilerCpuSeconds()}, report-svc's and this JVM's together (this one holds the MongoDB-wire
     * server and Kafka): what a warm-up waits on before timing requests that both serve.
     */
    public double compilerCpuSeconds() {
        return reportCompilerCpuSeconds() + compilerCpuSeconds(ProcessHandle.current().pid());
    }

    private static double compilerCpuSeconds(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        double seconds = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                try {
                    String name = Files.readString(thread.resolve("comm")).strip();
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        seconds += cpuSeconds(Files.readString(thread.resolve("stat")));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return seconds;
    }

    /** utime + stime of a {@code /proc/…/stat} line, in seconds (clock ticks of 1/100 s). */
    private static double cpuSeconds(String stat) {
        // fields after the command name, which is in parentheses and may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static double ownCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    @Override
    public void close() {
        try {
            report.close();
        } finally {
            mongo.close();
            stack.close();
        }
    }

    // --- the seeded views ------------------------------------------------------------------------------------

    private MongoCollection<Document> targetViews() {
        return mongo.getDatabase(DATABASE).getCollection("targets");
    }

    private static void seed(MongoClient mongo, RunContext context, int targets, String padding)
            throws IOException {
        String runId = context.runId();
        Date now = new Date();
        var db = mongo.getDatabase(DATABASE);
        // RUNNING, every target terminal, scan not complete: nothing completes it before complete(); recounted
        // "now", so report-svc's reconciler leaves it alone meanwhile.
        db.getCollection("runs").insertOne(new Document("_id", runId).append("state", "RUNNING")
                .append("terminal", targets).append("createdAt", now)
                .append("context", EventJson.mapper().writeValueAsString(context))
                .append("patchId", context.patch().id()).append("patchVersion", context.patch().version())
                .append("requestedBy", context.requestedBy()).append("requested", true).append("updatedAt", now)
                // as the projector creates every run: no target has reported drift, so a report asks for none
                .append("reconciledAt", now).append("driftReported", false));
        MongoCollection<Document> views = db.getCollection("targets");
        List<Document> batch = new ArrayList<>(SEED_BATCH);
        for (int i = 0; i < targets; i++) {
            batch.add(view(runId, i, now, padding));
            if (batch.size() == SEED_BATCH || i == targets - 1) {
                views.insertMany(batch, new InsertManyOptions().ordered(false));
                batch.clear();
            }
        }
    }

    private static Document view(String runId, int i, Date now, String padding) {
        String id = targetId(i);
        String sha = HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(32).putInt(i).putInt(28, i).array());
        Document backup = new Document("status", "COMPLETED")
                .append("location", "s3://patchflow/backups/" + runId + "/" + id + ".tar.gz").append("sha256", sha)
                .append("sizeBytes", 20_480L + i).append("note", null).append("reason", null);
        String log = "s3://patchflow/logs/" + runId + "/" + id + ".log";
        Document doc = new Document("_id", runId + "|" + id).append("runId", runId).append("targetId", id)
                .append("name", "app-host-" + id).append("kind", "directory").append("environment", "prod")
                .append("landingZone", "lz-prod-" + (char) ('a' + i % 4)).append("installedVersion", "1.0.0")
                .append("updatedAt", now).append("terminal", true).append("scanned", true).append("backup", backup);
        if (patchFailed(i)) {
            return doc.append("patch", new Document("status", "FAILED").append("exitCode", 3)
                    .append("reason", "exit code 3: disk full on " + id).append("outputLocation", log)
                    .append("outputTail", "No space left on device" + padding).append("durationMs", 95L)
                    .append("details", new Document()));
        }
        doc.append("patch", new Document("status", "APPLIED").append("exitCode", 0).append("reason", null)
                .append("outputLocation", log).append("outputTail", "patched " + id + " to 1.1.0" + padding)
                .append("durationMs", 400L + i % 100).append("details", new Document("executor", "process")));
        Document version = check("version", "version", true, "1.1.0");
        if (validationFailed(i)) {
            Document health = check("health", "command", false, "exit code 1: listener did not come up on " + id);
            return doc.append("validation", new Document("status", "FAILED").append("checks", List.of(version,
                    health)).append("failed", List.of(health)));
        }
        return doc.append("validation", new Document("status", "PASSED").append("checks", List.of(version))
                .append("failed", List.of()));
    }

    private static Document check(String name, String type, boolean passed, String detail) {
        return new Document("name", name).append("type", type).append("passed", passed).append("detail", detail);
    }
}
