package dev.patchflow.dbcluster.patroni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.patchflow.dbcluster.ClusterException;

/**
 * The local PostgreSQL programs the clone needs ({@code pg_basebackup}, {@code pg_ctl}), run as the configured
 * user when the runner is root (PostgreSQL refuses root). {@code setpriv} execs, so the process is the program.
 */
final class PostgresServer {

    private static final System.Logger LOG = System.getLogger(PostgresServer.class.getName());

    private final PostgresSettings settings;

    PostgresServer(PostgresSettings settings) {
        this.settings = settings;
    }

    /** A fresh folder for one clone, owned by the user the server runs as. */
    Path newCloneHome(String clusterId) {
        try {
            Files.createDirectories(settings.cloneDir());
            Path home = Files.createDirectory(settings.cloneDir().resolve(clusterId + "-" + UUID.randomUUID()));
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            if (settings.runAs().isPresent() && isRoot()) {
                UserPrincipal owner = home.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(settings.runAs().get());
                Files.setOwner(home, owner);
            }
            return home;
        } catch (IOException e) {
            throw new ClusterException("cannot create a clone folder in " + settings.cloneDir() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * {@code pg_ctl} on a clone; the server writes its own log ({@code server.log} beside the data directory, created
     * by the server's user: a file made by root would not be writable for it).
     */
    List<String> pgCtl(Path data, String action) {
        List<String> argv = new ArrayList<>(List.of(settings.binDir().resolve("pg_ctl").toString(), "-D",
                data.toString(), "-w", "-t", "120", "-l", data.resolveSibling("server.log").toString()));
        argv.add(action);
        if (!"start".equals(action)) {
            argv.addAll(List.of("-m", "fast"));
        }
        return argv;
    }

    /** Runs a PostgreSQL program (as {@code runAs} when root), output appended to {@code log}. */
    void run(List<String> argv, Map<String, String> env, Path log, Duration timeout, String what) {
        List<String> command = new ArrayList<>();
        if (settings.runAs().isPresent() && isRoot()) {
            String user = settings.runAs().get();
            command.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
        }
        command.addAll(argv);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.directory(log.getParent().toFile());
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new ClusterException(what + " timed out after " + timeout.toSeconds() + "s");
            }
            if (process.exitValue() != 0) {
                throw new ClusterException(what + " failed (exit " + process.exitValue() + "): " + tail(log)
                        + tail(log.resolveSibling("server.log")));
            }
        } catch (IOException e) {
            throw new ClusterException("cannot run " + argv.get(0) + " for " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted: " + what, e);
        }
    }

    /**
     * Makes a base backup of a Patroni member startable on its own: the copied {@code postgresql.conf} is
     * Patroni's (the source's port, socket folder, absolute hba/ident paths, {@code primary_conninfo}), so it is
     * replaced by one that keeps the server settings ({@code postgresql.base.conf}) and listens on loopback only.
     */
    void prepareClone(Path data, int port) {
        String conf = "# Patchflow ephemeral clone: the source's base settings, its own port and socket.\n"
                + "include_if_exists 'postgresql.base.conf'\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "port = " + port + "\n"
                + "unix_socket_directories = '" + data.getParent() + "'\n"
                + "hba_file = '" + data.resolve("pg_hba.conf") + "'\n"
                + "ident_file = '" + data.resolve("pg_ident.conf") + "'\n"
                + "hot_standby = on\n"
                + "archive_mode = off\n";
        try {
            Files.writeString(data.resolve("postgresql.conf"), conf);
            for (String leftover : List.of("standby.signal", "recovery.signal", "postmaster.pid", "postmaster.opts",
                    "patroni.dynamic.json")) {
                Files.deleteIfExists(data.resolve(leftover));
            }
            Path hba = data.resolve("pg_hba.conf");
            if (!Files.exists(hba)) {
                Files.writeString(hba, "host all all 127.0.0.1/32 trust\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the clone in " + data, e);
        }
    }

    int port(Path data) {
        try {
            for (String line : Files.readAllLines(data.resolve("postgresql.conf"))) {
                if (line.startsWith("port = ")) {
                    return Integer.parseInt(line.substring("port = ".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new ClusterException("the clone in " + data + " has no port");
    }

    int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops a clone's server if it runs and deletes its folder. */
    void destroy(Path data, Path home) {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                run(List.of(settings.binDir().resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
                        "stop", "-m", "immediate"), Map.of(), home.resolve("commands.log"), Duration.ofSeconds(90),
                        "stopping the clone");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot stop the clone in " + data + ": " + e.getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the clone folder " + home + ": " + e.getMessage());
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            List<String> errors = lines.stream().filter(l -> l.contains("FATAL") || l.contains("ERROR")
                    || l.startsWith("pg_basebackup:") || l.startsWith("pg_ctl:")).toList();
            List<String> shown = errors.isEmpty() ? lines : errors;
            return String.join(" | ", shown.subList(Math.max(0, shown.size() - 4), shown.size())).strip() + " ";
        } catch (IOException e) {
            return "";
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
