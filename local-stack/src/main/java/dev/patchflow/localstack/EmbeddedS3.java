package dev.patchflow.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.JarURLConnection;
import java.net.Socket;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;

/**
 * s3proxy with its filesystem backend, run as a child JVM: in-process its own Jackson and Jetty clash with those of a
 * Quarkus application. Its self-contained jar is a resource of this module ({@code s3proxy/s3proxy.jar}), extracted
 * once per checksum to a cache directory, so that it runs from any classpath.
 * <p>
 * The child dies with us: {@link #close()} stops it, a shutdown hook stops it when the JVM exits normally or on
 * SIGTERM/Ctrl-C, and {@link S3ProxyChild} makes it exit by itself when the parent is killed outright.
 */
final class EmbeddedS3 implements AutoCloseable {

    private static final String JAR_RESOURCE = "s3proxy/s3proxy.jar";
    private static final String CHILD_CLASS = S3ProxyChild.class.getName();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Thread shutdownHook;
    private final int port;
    private final Path log;

    private EmbeddedS3(Process process, Thread shutdownHook, int port, Path log) {
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.port = port;
        this.log = log;
    }

    static EmbeddedS3 start(Path dataDir, int requestedPort) {
        int port = Ports.orFree(requestedPort);
        try {
            Path basedir = Files.createDirectories(dataDir.resolve("s3"));
            Path properties = dataDir.resolve("s3proxy.properties");
            writeProperties(properties, basedir, port);
            Path log = dataDir.resolve("s3proxy.log");
            Path[] classpath = extract();
            List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-Xss512k", "-cp",
                    classpath[0] + java.io.File.pathSeparator + classpath[1], CHILD_CLASS, "--properties",
                    properties.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().put("LOG_LEVEL", "info");
            builder.environment().put("JETTY_LOG_LEVEL", "warn");
            Process process = builder.start();
            Thread hook = new Thread(process::destroyForcibly, "localstack-s3proxy-killer");
            Runtime.getRuntime().addShutdownHook(hook);
            EmbeddedS3 s3 = new EmbeddedS3(process, hook, port, log);
            try {
                s3.awaitReadyAndCreateBucket();
            } catch (RuntimeException e) {
                s3.close();
                throw e;
            }
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start s3proxy in " + dataDir, e);
        }
    }

    private static void writeProperties(Path file, Path basedir, int port) throws IOException {
        Properties p = new Properties();
        p.put("s3proxy.endpoint", "http://" + LocalStack.HOST + ":" + port);
        p.put("s3proxy.authorization", "aws-v2-or-v4");
        p.put("s3proxy.identity", LocalStack.S3_ACCESS_KEY);
        p.put("s3proxy.credential", LocalStack.S3_SECRET_KEY);
        p.put("jclouds.provider", "filesystem");
        p.put("jclouds.filesystem.basedir", basedir.toString());
        p.put("jclouds.identity", LocalStack.S3_ACCESS_KEY);
        p.put("jclouds.credential", LocalStack.S3_SECRET_KEY);
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Written by Patchflow local-stack at each start");
        }
    }

    private void awaitReadyAndCreateBucket() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        MinioClient client = MinioClient.builder()
                .endpoint(endpoint())
                .credentials(LocalStack.S3_ACCESS_KEY, LocalStack.S3_SECRET_KEY)
                .region(LocalStack.S3_REGION)
                .build();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = logTail();
                if (tail.contains("Address already in use") || tail.contains("Failed to bind")) {
                    throw new IllegalStateException(Ports.inUse("S3", port));
                }
                throw new IllegalStateException("s3proxy exited with " + process.exitValue() + " before answering on "
                        + endpoint() + "; its log (" + log + ") ends with:\n" + tail);
            }
            if (accepts()) {
                try {
                    if (!client.bucketExists(BucketExistsArgs.builder().bucket(LocalStack.BUCKET).build())) {
                        client.makeBucket(MakeBucketArgs.builder().bucket(LocalStack.BUCKET).build());
                    }
                    return;
                } catch (ErrorResponseException e) {
                    String code = e.errorResponse().code();
                    if ("BucketAlreadyOwnedByYou".equals(code) || "BucketAlreadyExists".equals(code)) {
                        return;
                    }
                    last = e;
                } catch (Exception e) {
                    last = e;
                }
            }
            try {
                // A retry interval while the child JVM boots (about 2 s), not a wait for a condition.
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for s3proxy", e);
            }
        }
        throw new IllegalStateException("s3proxy did not answer on " + endpoint() + " within " + READY_TIMEOUT
                + "; see " + log, last);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LocalStack.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static String javaExecutable() {
        Path java = Paths.get(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }

    /**
     * Extracts s3proxy.jar and the {@link S3ProxyChild} class once into a cache directory named by their checksums
     * (a new s3proxy or local-stack version gets a new directory; concurrent test JVMs are safe: files are written
     * under a temporary name and moved into place atomically).
     *
     * @return the directory holding the child class, and the jar
     */
    static synchronized Path[] extract() throws IOException {
        ClassLoader loader = EmbeddedS3.class.getClassLoader();
        URL jar = loader.getResource(JAR_RESOURCE);
        if (jar == null) {
            throw new IllegalStateException("The s3proxy jar is missing from the local-stack classpath (" + JAR_RESOURCE
                    + "); rebuild local-stack with Maven, which copies it there");
        }
        String childResource = CHILD_CLASS.replace('.', '/') + ".class";
        byte[] childClass;
        try (InputStream in = loader.getResourceAsStream(childResource)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + childResource);
            }
            childClass = in.readAllBytes();
        }
        CRC32 childCrc = new CRC32();
        childCrc.update(childClass);
        String key = checksum(jar) + "-" + Long.toHexString(childCrc.getValue());
        Path dir = cacheRoot().resolve("s3proxy-" + key);
        Path jarFile = dir.resolve("s3proxy.jar");
        Path classDir = dir.resolve("classes");
        Path childFile = classDir.resolve(childResource);
        if (!Files.exists(jarFile)) {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "s3proxy", ".tmp");
            try (InputStream in = jar.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            moveAtomically(tmp, jarFile);
        }
        if (!Files.exists(childFile)) {
            Files.createDirectories(childFile.getParent());
            Path tmp = Files.createTempFile(childFile.getParent(), "child", ".tmp");
            Files.write(tmp, childClass);
            moveAtomically(tmp, childFile);
        }
        return new Path[]{classDir, jarFile};
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(from);
            if (!Files.exists(to)) {
                throw e;
            }
        }
    }

    /** The CRC and size the jar entry already carries (free), or size and time for a file on disk. */
    private static String checksum(URL resource) throws IOException {
        URLConnection connection = resource.openConnection();
        if (connection instanceof JarURLConnection jarConnection) {
            jarConnection.setUseCaches(false);
            var entry = jarConnection.getJarEntry();
            if (entry != null && entry.getCrc() >= 0) {
                String key = Long.toHexString(entry.getCrc()) + "-" + Long.toHexString(entry.getSize());
                jarConnection.getJarFile().close();
                return key;
            }
        }
        if ("file".equals(resource.getProtocol())) {
            try {
                Path file = Paths.get(resource.toURI());
                return Long.toHexString(Files.size(file)) + "-"
                        + Long.toHexString(Files.getLastModifiedTime(file).toMillis());
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
        }
        CRC32 crc = new CRC32();
        try (InputStream in = resource.openStream()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0;) {
                crc.update(buffer, 0, n);
            }
        }
        return Long.toHexString(crc.getValue());
    }

    static Path cacheRoot() {
        String configured = System.getProperty("patchflow.localstack.cache");
        if (configured != null) {
            return Paths.get(configured);
        }
        Path home = Paths.get(System.getProperty("user.home"), ".cache", "patchflow");
        try {
            Files.createDirectories(home);
            if (Files.isWritable(home)) {
                return home;
            }
        } catch (IOException | SecurityException ignored) {
            // fall back to the temp directory
        }
        return Paths.get(System.getProperty("java.io.tmpdir"), "patchflow-cache-" + System.getProperty("user.name"));
    }

    String endpoint() {
        return "http://" + LocalStack.HOST + ":" + port;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child also watches our pid
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: nothing to remove
        }
    }
}
