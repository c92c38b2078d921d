package dev.patchflow.launcher;

import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Quarkus service running as a child process ({@code java -jar quarkus-run.jar}), with its
 * configuration passed as system properties and its output in a log file.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final PatchflowService service;
    private final Path jar;
    private final Path logFile;
    private final int httpPort;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private String maxHeap = "384m";
    private Process process;

    public ServiceProcess(PatchflowService service, Path home, Path logDir, int httpPort,
            Map<String, String> properties,
            Map<String, String> environment) {
        this.service = service;
        this.jar = home.resolve(service.module()).resolve("target/quarkus-app/quarkus-run.jar");
        this.logFile = logDir.resolve(service.module() + ".log");
        this.httpPort = httpPort;
        this.properties = Map.copyOf(properties);
        this.environment = Map.copyOf(environment);
    }

    public PatchflowService service() {
        return service;
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

    /** The service's heap limit ({@code -Xmx}, default 384m); set before {@link #start()}. */
    public ServiceProcess maxHeap(String size) {
        this.maxHeap = size;
        return this;
    }

    /** The process id once started (to read its memory from {@code /proc}, say). */
    public long pid() {
        return process.pid();
    }

    /** Starts the process; does not wait for readiness (see {@link #awaitReady(Duration)}). */
    public ServiceProcess start() throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(service.module() + " is not built: " + jar
                    + " is missing (run ./mvnw -DskipTests install first)");
        }
        Files.createDirectories(logFile.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Five JVMs share two cores with the stack: keep each one small and quick to start.
        command.add("-Xms64m");
        command.add("-Xmx" + maxHeap);
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dquarkus.http.port=" + httpPort);
        command.add("-Dquarkus.http.host=127.0.0.1");
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        // Each service works in its own folder under the data dir: whatever it writes relative to its
        // working directory (the runner's package work dir, temp archives) stays out of the repository.
        Path workDir = logFile.getParent().resolveSibling("work").resolve(service.module());
        Files.createDirectories(workDir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
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
                throw new IllegalStateException(service.module() + " exited with " + process.exitValue()
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
        throw new IllegalStateException(service.module() + " was not ready within " + timeout + "; see " + logFile);
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
