package dev.patchflow.sqlschema.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MariaDB server (Debian's {@code mariadb-server}: {@code .ci/run} installs it where missing) for tests:
 * a fresh data directory made by {@code mariadb-install-db}, {@code mariadbd --no-defaults --user=root} on a random
 * loopback port and a private socket, root without a password. {@link #close()} stops it and deletes its files;
 * a JVM shutdown hook does it too if a test forgot, so no server outlives its tests.
 */
public final class MariaDbServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private final Path dir;
    private final int port;
    private final Process process;
    private final Thread hook;

    private MariaDbServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.hook = new Thread(this::stop, "mariadb-stop-" + port);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts a server and waits (up to 2 minutes on a loaded machine) until it takes connections. */
    public static MariaDbServer start() throws IOException, InterruptedException {
        Path installDb = binary("mariadb-install-db");
        Path mariadbd = binary("mariadbd");
        Path dir = Files.createTempDirectory("mariadb-");
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        run(List.of(installDb.toString(), "--no-defaults", "--user=root", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"), dir.resolve("install.log"));
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults", "--user=root",
                "--datadir=" + data, "--bind-address=" + HOST, "--port=" + port, "--socket=" + dir.resolve("sock"),
                "--pid-file=" + dir.resolve("mariadbd.pid"), "--tmpdir=" + dir, "--innodb-buffer-pool-size=64M",
                "--log-error=" + log));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        MariaDbServer server = new MariaDbServer(dir, port, process);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                server.close();
                throw new IOException("mariadbd exited with " + process.exitValue() + ": " + tail(log));
            }
            try (Connection ignored = DriverManager.getConnection(server.jdbcUrl(""), "root", "")) {
                return server;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        server.close();
        throw new IOException("mariadbd did not accept connections on port " + port + ": " + last);
    }

    private static Path binary(String name) throws IOException {
        for (String folder : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path candidate = Path.of(folder, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IOException(name + " not found: install Debian's mariadb-server (.ci/run does)");
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:mariadb://127.0.0.1:<port>/<schema>}, without credentials (root has no password here). */
    public String jdbcUrl(String schema) {
        return "jdbc:mariadb://" + HOST + ":" + port + "/" + schema;
    }

    public Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), "root", "");
    }

    /** Creates (or empties) a schema with the given default character set and collation. */
    public void recreateSchema(String schema, String charset, String collation) throws SQLException {
        try (Connection connection = connect(""); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS `" + schema + "`");
            statement.execute("CREATE DATABASE `" + schema + "` CHARACTER SET " + charset + " COLLATE " + collation);
        }
    }

    /** Runs statements in a schema (each one as it is). */
    public void execute(String schema, String... sql) throws SQLException {
        try (Connection connection = connect(schema); Statement statement = connection.createStatement()) {
            for (String one : sql) {
                statement.execute(one);
            }
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }

    private synchronized void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp folder
        }
    }
}
