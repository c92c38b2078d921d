package dev.patchflow.localstack;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Quarkus service running as a child process ({@code java -jar quarkus-run.jar}), with its
 * configuration passed as system properties and its output in a log file. The one way to start a packaged
 * service: the local run (launcher), the end-to-end tests and every test that kills a service with
 * {@code kill -9} use it.
 * <p>
 * The child never outlives this JVM: {@link ParentWatchAgent} ({@code -javaagent}) makes it exit when this JVM is
 * gone, even after {@code kill -9}.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * MinIO runs part of every upload as a {@code CompletableFuture.supplyAsync} task on the common pool, and with
     * fewer than two cores for that pool (any machine with two cores or less) the JDK starts a new thread for
     * every such task. Measured on this 2-core machine, 2,000 uploads of an empty file to s3proxy from 8 threads
     * (MinIO's default HTTP client, the services' C1 options): 840-970 us of the client's CPU per upload with the
     * default pool, 430-435 us with a pool of four. The services' own code does not use the common pool. The
     * deployment sets the same for the services that use S3 ({@code k8s/base/}).
     */
    public static final String COMMON_POOL_PARALLELISM = "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4";

    /** Five JVMs share two cores with the stack: keep each one small and quick to start. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", COMMON_POOL_PARALLELISM);

    /**
     * The runner starts a process (a launcher shell) for every process-executor target. JDK 17 starts each one
     * through {@code jspawnhelper}, an exec more than the shell needs; {@code VFORK} (the JDK's Linux default until
     * 12, still supported by 17) execs the shell straight from the vforked child. Measured on this 2-core machine,
     * 500 launcher shells running {@code true} from 8 threads: 13.0 ms of the children's CPU each and 134
     * starts/s with the default, 9.6 ms and 177/s with VFORK. The deployment sets the same
     * ({@code k8s/base/patch-runner-svc.yaml}); the image's JDK is 17.
     */
    public static final String RUNNER_LAUNCH_MECHANISM = "-Djdk.lang.Process.launchMechanism=VFORK";

    private final String module;
    private final Path jar;
    private final Path logFile;
    private final Path workDir;
    private final int httpPort;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    private Process process;

    /**
     * @param module the Maven module, e.g. {@code patch-runner-svc}: its {@code target/quarkus-app/quarkus-run.jar}
     *        under {@code home} is started
     * @param logDir where {@code <module>.log} is appended to; the process works in {@code <logDir>/../work/<module>}
     */
    public ServiceProcess(String module, Path home, Path logDir, int httpPort, Map<String, String> properties,
            Map<String, String> environment) {
        this(module, home, logDir, httpPort, properties, environment, jvmOptionsOf(module));
    }

    /**
     * {@link #DEFAULT_JVM_OPTIONS}; for the runner {@link #RUNNER_LAUNCH_MECHANISM}; for report-svc a young generation
     * of a third of its heap limit ({@link #youngGenerationOfAThird}).
     */
    public static List<String> jvmOptionsOf(String module) {
        return switch (module) {
            case "patch-runner-svc" -> {
                List<String> options = new ArrayList<>(DEFAULT_JVM_OPTIONS);
                options.add(RUNNER_LAUNCH_MECHANISM);
                yield List.copyOf(options);
            }
            case "report-svc" -> youngGenerationOfAThird(DEFAULT_JVM_OPTIONS);
            default -> DEFAULT_JVM_OPTIONS;
        };
    }

    /**
     * {@code options} with a young generation ({@code -Xmn}) of a third of the heap limit (the last {@code -Xmx}),
     * for report-svc. It renders reports of up to 100,000 targets a row at a time, and Qute's evaluation of one row
     * of report.html allocates about 15 KB: 1.5-2 GB of short-lived objects for one report. The serial collector
     * gives the young generation a third of the heap committed so far, and from {@code -Xms64m} the heap never grew
     * (the old generation holds little), so the young generation stayed at about 21 MB. Measured with JFR in
     * {@code benchmark-reports} (100,000 targets, {@code -Xmx256m}), one running run's report.html: 126 young
     * collections and 0.37 s of pauses with it, about 30 and 0.09 s with a third of the limit. Only the young
     * generation is sized: the initial heap stays small, so the old generation is committed (and its pages touched)
     * as it fills. Starting the whole heap at its limit instead gave the same collections but let the old generation
     * fill with promoted garbage up to the limit before a full collection: report-svc's peak RSS in the pipeline
     * benchmark went from 305 to 554 MB.
     */
    public static List<String> youngGenerationOfAThird(List<String> options) {
        String limit = options.stream().filter(option -> option.startsWith("-Xmx")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalArgumentException("no -Xmx in " + options));
        List<String> result = new ArrayList<>(options);
        result.add("-Xmn" + Math.max(1, megabytes(limit) / 3) + "m");
        return List.copyOf(result);
    }

    /** The size of an {@code -Xmx} option in MB ({@code k}, {@code m} or {@code g}). */
    private static long megabytes(String option) {
        String size = option.substring("-Xmx".length()).toLowerCase(Locale.ROOT);
        try {
            long value = Long.parseLong(size.substring(0, size.length() - 1));
            return switch (size.charAt(size.length() - 1)) {
                case 'k' -> value / 1024;
                case 'm' -> value;
                case 'g' -> value * 1024;
                default -> throw new IllegalArgumentException("heap limit " + option + " is not in k, m or g");
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("heap limit " + option + " is not a number of k, m or g", e);
        }
    }

    public ServiceProcess(String module, Path home, Path logDir, int httpPort, Map<String, String> properties,
            Map<String, String> environment, List<String> jvmOptions) {
        // Each service works in its own folder under the data dir: whatever it writes relative to its working
        // directory (the runner's package work dir, temp archives) stays out of the repository.
        this(module, home.resolve(module).resolve("target/quarkus-app/quarkus-run.jar"),
                logDir.resolve(module + ".log"), logDir.resolveSibling("work").resolve(module), httpPort, properties,
                environment, jvmOptions);
    }

    private ServiceProcess(String module, Path jar, Path logFile, Path workDir, int httpPort,
            Map<String, String> properties, Map<String, String> environment, List<String> jvmOptions) {
        this.module = module;
        this.jar = jar;
        this.logFile = logFile;
        this.workDir = workDir;
        this.httpPort = httpPort;
        this.properties = Map.copyOf(properties);
        this.environment = Map.copyOf(environment);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * A packaged service of this repository, for a test running in one of its modules: {@code ../<module>}'s jar
     * on a free port, started as the launcher starts it ({@link #jvmOptionsOf}: with the JVM's defaults it
     * spends about half as much CPU again to get ready, and the crash tests start it several times each), its log in
     * {@code target/<name>/logs/<module>.log}.
     */
    public static ServiceProcess forTest(String module, String name, Map<String, String> properties)
            throws IOException {
        Path home = Path.of("..").toAbsolutePath().normalize();
        return new ServiceProcess(module, home, Path.of("target", name, "logs").toAbsolutePath(), freePort(),
                properties, Map.of(), jvmOptionsOf(module));
    }

    /** A free loopback port for a service (tests start services on random ports). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The same service with the same settings and port, not started: what comes back after a kill. */
    public ServiceProcess sameAgain() {
        return new ServiceProcess(module, jar, logFile, workDir, httpPort, properties, environment, jvmOptions);
    }

    /** The same service started with these JVM options instead of its own, not started. */
    public ServiceProcess withJvmOptions(List<String> options) {
        return new ServiceProcess(module, jar, logFile, workDir, httpPort, properties, environment, options);
    }

    /** The same service with more settings (they win over the ones it has), not started. */
    public ServiceProcess with(Map<String, String> moreProperties) {
        Map<String, String> merged = new java.util.HashMap<>(properties);
        merged.putAll(moreProperties);
        return new ServiceProcess(module, jar, logFile, workDir, httpPort, merged, environment, jvmOptions);
    }

    /** The process's peak resident set size in KiB ({@code VmHWM} of /proc/<pid>/status; Linux only). */
    public java.util.Optional<Long> peakRssKib() {
        if (process == null) {
            return java.util.Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return java.util.Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or the process is gone: no figure.
        }
        return java.util.Optional.empty();
    }

    /** CPU time the service's JVM has used so far (not its children's), where the OS tells it. */
    public java.util.Optional<java.time.Duration> cpuTime() {
        return process == null ? java.util.Optional.empty() : process.info().totalCpuDuration();
    }

    /**
     * CPU time the service's child processes that have ended used (a runner's patch executors: each launcher shell
     * and, through it, its command), {@code cutime + cstime} of /proc/<pid>/stat at 100 ticks a second; empty where
     * there is no /proc (not Linux) or the process is gone. {@link #cpuTime()} leaves it out.
     */
    public java.util.Optional<Duration> childrenCpuTime() {
        return process == null ? java.util.Optional.empty() : endedChildrenCpuTime(process.pid());
    }

    /**
     * CPU time the ended (and reaped) child processes of process {@code pid} used, with theirs in turn:
     * {@code cutime + cstime} of /proc/<pid>/stat at 100 ticks a second; empty without /proc or that process.
     */
    public static java.util.Optional<Duration> endedChildrenCpuTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the fields after the command name, which is in parentheses and may hold spaces: cutime is the 14th
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            return java.util.Optional.of(Duration.ofMillis(ticks * 10));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** The operating system's process id, once started. */
    public long pid() {
        return process.pid();
    }

    public String module() {
        return module;
    }

    public Map<String, String> properties() {
        return properties;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    public int httpPort() {
        return httpPort;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public Path logFile() {
        return logFile;
    }

    /** Starts the process; does not wait for readiness (see {@link #awaitReady(Duration)}). */
    public ServiceProcess start() throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(module + " is not built: " + jar
                    + " is missing (run ./mvnw -DskipTests package first)");
        }
        Files.createDirectories(logFile.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // The service exits when this JVM does, however it ends (kill -9 included): see ParentWatchAgent.
        command.add(ParentWatchAgent.javaAgentOption());
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-Dquarkus.http.host=127.0.0.1");
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        Files.createDirectories(workDir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                // This JVM holds the write end: the pipe closes when it dies, which ParentWatchAgent watches.
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(environment);
        process = builder.start();
        return this;
    }

    /** Waits until {@code /q/health/ready} answers 200, or fails naming the service and its log. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        URI ready = URI.create(baseUrl() + "/q/health/ready");
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue()
                        + " during start-up; see " + logFile);
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(module + " was not ready within " + timeout + "; see " + logFile);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the process the way a crash would (SIGKILL), without a graceful shutdown. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Graceful stop (SIGTERM), then SIGKILL if it does not end in time. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
