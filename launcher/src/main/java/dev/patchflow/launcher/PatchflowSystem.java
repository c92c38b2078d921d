package dev.patchflow.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.patchflow.localstack.FileTrees;
import dev.patchflow.localstack.LocalAuth;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.ServiceProcess;

/**
 * The whole of Patchflow on one machine: the embedded stack (Kafka, MongoDB-wire, S3) in this JVM and
 * the five packaged services as child processes. The local run, the benchmark and the end-to-end test
 * all start it the same way.
 */
public final class PatchflowSystem implements AutoCloseable {

    private final Path home;
    private final Path dataDir;
    private final LocalStack stack;
    private final Map<PatchflowService, ServiceProcess> services = new EnumMap<>(PatchflowService.class);
    private final Map<String, String> extraProperties;
    private final LocalAuth auth;
    private final Map<String, String> tokens;
    /** Held from start to close: no other run empties or shares this data dir meanwhile. */
    private final DataDirLock lock;

    private PatchflowSystem(Path home, Path dataDir, DataDirLock lock, LocalStack stack,
            Map<String, String> extraProperties, LocalAuth auth, Map<String, String> tokens) {
        this.home = home;
        this.lock = lock;
        this.dataDir = dataDir;
        this.stack = stack;
        this.extraProperties = extraProperties;
        this.auth = auth;
        this.tokens = tokens;
    }

    /** Under the data dir: the public keys the runner's package executor trusts, read again for every package. */
    public static final String TRUSTED_KEYS = "trusted-keys";

    /** Under the data dir: what the embedded Kafka, MongoDB-wire and S3 servers keep across restarts. */
    public static final String STACK = "stack";

    /** How long the role tokens minted at start stay valid. */
    public static final Duration TOKEN_VALIDITY = Duration.ofHours(12);

    /**
     * Deletes what the stack keeps under {@code dataDir} (topics, MongoDB-wire state with the patch ledger, S3
     * objects), for a start from nothing; the signing key, the trusted keys and earlier reports stay. Fails, and
     * deletes nothing, while another run holds the data dir ({@link DataDirLock}).
     */
    public static void forgetState(Path dataDir) throws IOException {
        try (DataDirLock held = DataDirLock.acquire(dataDir)) {
            forgetState(held);
        }
    }

    /** {@link #forgetState(Path)} under a lock the caller holds and goes on holding, e.g. to start right after. */
    public static void forgetState(DataDirLock held) throws IOException {
        FileTrees.delete(held.dataDir().resolve(STACK));
    }

    /**
     * Starts the stack, then the five services in parallel, and waits until every one is ready.
     *
     * @param fixedPorts the local run's well-known ports; otherwise free random ones (tests)
     * @param extraProperties more {@code -D} settings for every service (e.g. concurrency for a benchmark); they
     *        win over the defaults, e.g. the runner's trusted-keys folder {@code <dataDir>/trusted-keys}
     * @param progress one line per step, for the person watching
     */
    public static PatchflowSystem start(Path home, Path dataDir, boolean fixedPorts,
            Map<String, String> extraProperties,
            Consumer<String> progress) throws IOException, InterruptedException {
        return start(home, dataDir, fixedPorts, fixedPorts, extraProperties, progress);
    }

    /**
     * @param persistentMongo MongoDB-wire state in a file under the data dir (the local run; a test that stops and
     *        starts the server); otherwise in memory
     */
    public static PatchflowSystem start(Path home, Path dataDir, boolean fixedPorts, boolean persistentMongo,
            Map<String, String> extraProperties,
            Consumer<String> progress) throws IOException, InterruptedException {
        return start(home, DataDirLock.acquire(dataDir), fixedPorts, persistentMongo, extraProperties, progress);
    }

    /**
     * Starts on a data dir whose lock the caller took (e.g. to empty it first, with no other run getting it in
     * between); the system holds it from here on and releases it on close, or at once when the start fails.
     */
    public static PatchflowSystem start(Path home, DataDirLock held, boolean fixedPorts, boolean persistentMongo,
            Map<String, String> extraProperties,
            Consumer<String> progress) throws IOException, InterruptedException {
        try {
            return start(home, held.dataDir(), held, fixedPorts, persistentMongo, extraProperties, progress);
        } catch (IOException | InterruptedException | RuntimeException e) {
            held.close();
            throw e;
        }
    }

    private static PatchflowSystem start(Path home, Path dataDir, DataDirLock lock, boolean fixedPorts,
            boolean persistentMongo, Map<String, String> extraProperties, Consumer<String> progress)
            throws IOException, InterruptedException {
        progress.accept("starting the embedded stack (Kafka, MongoDB-wire, S3) in " + dataDir);
        LocalStack.Builder builder = LocalStack.builder().dataDir(dataDir.resolve(STACK))
                .persistentMongo(persistentMongo);
        if (fixedPorts) {
            builder.kafkaPort(19092).mongoPort(27027).s3Port(19000);
        }
        // The signing key is created once under <dataDir>/auth/ (private key 0600, never passed to a service);
        // fresh role tokens are minted on every start and written beside it (0600).
        LocalAuth auth = LocalAuth.open(dataDir.resolve("auth"));
        Map<String, String> tokens = auth.writeRoleTokens(TOKEN_VALIDITY);
        // The runner trusts the keys of this folder, read again for every package: 'patchctl package trust
        // <pub.pem>' adds one while everything runs. Without it no signed package could ever be applied here.
        Path trustedKeys = Files.createDirectories(dataDir.resolve(TRUSTED_KEYS));
        Map<String, String> properties = new HashMap<>();
        properties.put("patchflow.runner.package.trusted-keys-dir", trustedKeys.toString());
        properties.putAll(extraProperties);
        LocalStack stack = builder.build().start();
        PatchflowSystem system = new PatchflowSystem(home, dataDir, lock, stack, Map.copyOf(properties), auth,
                tokens);
        try {
            progress.accept("signing key and role tokens (" + String.join(", ", tokens.keySet()) + ", valid "
                    + TOKEN_VALIDITY.toHours() + " h) in " + dataDir.resolve("auth"));
            progress.accept("trusted package keys: " + trustedKeys + " (the runner reads it for every package; add "
                    + "one with: patchctl package trust <name>.pub.pem --dir " + trustedKeys + ")");
            progress.accept("stack ready: kafka " + stack.kafkaBootstrapServers() + ", mongo "
                    + stack.mongoConnectionString() + ", s3 " + stack.s3Endpoint());
            system.startServices(fixedPorts, progress);
            return system;
        } catch (IOException | InterruptedException | RuntimeException e) {
            system.close();
            throw e;
        }
    }

    /** What every service is started with: the stack's addresses and the public key to verify tokens with. */
    private Map<String, String> serviceProperties() {
        Map<String, String> properties = new HashMap<>(stack.serviceProperties());
        properties.putAll(auth.serviceProperties());
        properties.putAll(extraProperties);
        return properties;
    }

    private void startServices(boolean fixedPorts, Consumer<String> progress) throws IOException, InterruptedException {
        Map<String, String> properties = serviceProperties();
        for (PatchflowService service : PatchflowService.values()) {
            int port = fixedPorts ? service.defaultPort() : freePort();
            services.put(service, new ServiceProcess(service.module(), home, dataDir.resolve("logs"), port,
                    propertiesOf(service, properties), Map.of()).start());
        }
        progress.accept("starting " + services.size() + " services: "
                + String.join(", ", services.values().stream().map(s -> s.module() + " :" + s.httpPort())
                        .toList()));
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (ServiceProcess process : services.values()) {
            ready.add(CompletableFuture.runAsync(() -> {
                try {
                    process.awaitReady(Duration.ofMinutes(3));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }));
        }
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        progress.accept("all services ready");
    }

    /**
     * Restarts one service (after {@link ServiceProcess#kill()}, say) on the same port. Several services may be
     * restarted at once from different threads: each waits for its own readiness.
     */
    public ServiceProcess restart(PatchflowService service) throws IOException, InterruptedException {
        ServiceProcess fresh;
        synchronized (services) {
            ServiceProcess old = services.get(service);
            old.close();
            Map<String, String> properties = serviceProperties();
            fresh = new ServiceProcess(service.module(), home, dataDir.resolve("logs"), old.httpPort(),
                    propertiesOf(service, properties), Map.of()).start();
            services.put(service, fresh);
        }
        fresh.awaitReady(Duration.ofMinutes(3));
        return fresh;
    }

    /**
     * Starts a second report-svc beside the running one that rebuilds every run from the log alone: the same
     * stack and keys, but its own consumer group reading every topic from the start, its own (empty) database, no
     * archive writes ({@code patchflow.report.archive=false}: its reports state the live {@code reportLocation},
     * and the live copies stay untouched), its own topic for the RunCompleted events it emits (so the live
     * consumers of {@code patchflow.runs} see nothing of it), its own port and log
     * ({@code <dataDir>/<name>/logs/report-svc.log}). Waits until it is ready; the caller closes it. A replay's
     * reports are byte for byte the live ones (report-svc README, "Replay").
     *
     * @param name names the group ({@code report-svc-<name>}), database ({@code report-<name>}) and topic
     *        ({@code patchflow.runs.<name>}): lower-case letters, digits, '-'
     */
    public ServiceProcess startReportReplay(String name) throws IOException, InterruptedException {
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("replay name '" + name + "': lower-case letters, digits and '-' only");
        }
        Map<String, String> properties = new HashMap<>(serviceProperties());
        properties.putAll(replayProperties(name));
        ServiceProcess replay = new ServiceProcess(PatchflowService.REPORT.module(), home,
                dataDir.resolve(name).resolve("logs"), freePort(), properties, Map.of()).start();
        try {
            replay.awaitReady(Duration.ofMinutes(3));
        } catch (InterruptedException | RuntimeException e) {
            replay.close();
            throw e;
        }
        return replay;
    }

    /** What makes a report-svc a replay (see {@link #startReportReplay}). */
    static Map<String, String> replayProperties(String name) {
        Map<String, String> properties = new HashMap<>();
        for (String topic : dev.patchflow.schemas.Topics.STAGES) {
            String channel = "mp.messaging.incoming.\"" + topic + "\".";
            properties.put(channel + "group.id", "report-svc-" + name);
            properties.put(channel + "auto.offset.reset", "earliest");
        }
        properties.put("patchflow.report.database", "report-" + name);
        properties.put("patchflow.report.archive", "false");
        properties.put("mp.messaging.outgoing.run-completed.topic", "patchflow.runs." + name);
        return properties;
    }

    /**
     * The runner gets a stable instance id: a restarted runner then adopts the patch processes it
     * started before a crash at once, instead of waiting for their claims to expire.
     */
    private static Map<String, String> propertiesOf(PatchflowService service, Map<String, String> shared) {
        if (service != PatchflowService.PATCH_RUNNER) {
            return shared;
        }
        Map<String, String> properties = new HashMap<>(shared);
        properties.putIfAbsent("patchflow.runner.instance-id", "local-runner-1");
        return properties;
    }

    /** Each running service's peak resident set size in KiB ({@code VmHWM} in /proc), where the OS tells it. */
    public Map<PatchflowService, Long> peakRss() {
        Map<PatchflowService, Long> peaks = new EnumMap<>(PatchflowService.class);
        services.forEach((service, process) -> process.peakRssKib().ifPresent(kib -> peaks.put(service, kib)));
        return peaks;
    }

    /**
     * CPU time used so far by each running service, and by this JVM under {@link #EMBEDDED_STACK} (the embedded
     * Kafka broker and MongoDB-wire server run in it; S3 is a child process of its own), and by the services' child
     * processes that have ended under {@link #SERVICE_CHILDREN} (the runner's patch executors: a service's own
     * figure leaves them out).
     */
    public Map<String, Duration> cpuTimes() {
        Map<String, Duration> times = new LinkedHashMap<>();
        java.util.Set<Long> servicePids = new java.util.HashSet<>();
        java.util.Optional<Duration> children;
        synchronized (services) {
            services.forEach((service, process) -> {
                servicePids.add(process.pid());
                process.cpuTime().ifPresent(t -> times.put(service.module(), t));
            });
            children = services.values().stream().map(ServiceProcess::childrenCpuTime)
                    .flatMap(java.util.Optional::stream).reduce(Duration::plus);
        }
        children.ifPresent(t -> times.put(SERVICE_CHILDREN, t));
        ProcessHandle.current().info().totalCpuDuration().ifPresent(t -> times.put(EMBEDDED_STACK, t));
        Duration others = ProcessHandle.current().children().filter(child -> !servicePids.contains(child.pid()))
                .map(child -> child.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(Duration.ZERO, Duration::plus);
        times.put(EMBEDDED_S3, others);
        return times;
    }

    /** The name {@link #cpuTimes()} gives this JVM. */
    public static final String EMBEDDED_STACK = "launcher (Kafka, MongoDB-wire)";
    /** The name {@link #cpuTimes()} gives this JVM's other child processes: the embedded S3 server. */
    public static final String EMBEDDED_S3 = "S3 server";
    /** The name {@link #cpuTimes()} gives the services' ended child processes: the runner's patch executors. */
    public static final String SERVICE_CHILDREN = "child processes (patch executors)";

    public LocalStack stack() {
        return stack;
    }

    public ServiceProcess service(PatchflowService service) {
        synchronized (services) {
            return services.get(service);
        }
    }

    /** The bearer token minted at start for a role ({@link LocalAuth#ROLES}). */
    public String token(String role) {
        String token = tokens.get(role);
        if (token == null) {
            throw new IllegalArgumentException("no token for role " + role + "; roles: " + tokens.keySet());
        }
        return token;
    }

    /** Role → token, in {@link LocalAuth#ROLES} order. */
    public Map<String, String> tokens() {
        return tokens;
    }

    public Path authDir() {
        return dataDir.resolve("auth");
    }

    /** The folder of public keys the runner trusts (see {@link #TRUSTED_KEYS}). */
    public Path trustedKeysDir() {
        return dataDir.resolve(TRUSTED_KEYS);
    }

    public String reportUrl() {
        return services.get(PatchflowService.REPORT).baseUrl();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path home() {
        return home;
    }

    /**
     * Stops the services gracefully, all at once, then the stack. One thread per service: a parallel stream ran on
     * the common pool, which on a 2-core machine stops two at a time, and a graceful stop (Kafka consumers leaving
     * their groups) takes several seconds each.
     */
    @Override
    public void close() {
        List<ServiceProcess> running;
        synchronized (services) {
            running = new ArrayList<>(services.values());
        }
        List<Thread> stopping = new ArrayList<>();
        for (ServiceProcess process : running) {
            Thread thread = new Thread(process::close, "stop-" + process.module());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stack.close();
        try {
            lock.close();
        } catch (IOException e) {
            // the process's end releases it anyway
        }
    }

    static int freePort() throws IOException {
        return ServiceProcess.freePort();
    }
}
