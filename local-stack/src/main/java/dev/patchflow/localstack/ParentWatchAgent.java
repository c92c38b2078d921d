package dev.patchflow.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;

/**
 * A {@code -javaagent} that {@link ServiceProcess} puts on every service JVM it starts, and the launcher on the
 * {@code patchctl} it runs: the child exits as soon as the process that started it is gone, even when that process was
 * killed with {@code kill -9} and could not stop it.
 * The same two signals as {@link S3ProxyChild}: the end of stdin (the parent holds the write end of the pipe; the
 * kernel closes it when the parent dies, however it dies) and the exit of the parent's pid, passed as the agent
 * argument (a child re-parented to init before the agent ran sees a dead pid at once).
 * <p>
 * An agent rather than a wrapper main: {@code java -jar quarkus-run.jar} stays exactly as it is (Quarkus's runner
 * finds the application next to its own jar), and the services need no code for it. The exit is
 * {@link System#exit(int)} so Quarkus shuts down gracefully (consumers leave their group at once), with a halt after
 * {@value #HALT_AFTER_SECONDS} s in case the shutdown hangs.
 * <p>
 * This class is written into a jar of its own and loaded by the system class loader of the service, so it must use
 * the JDK only.
 */
public final class ParentWatchAgent {

    static final int HALT_AFTER_SECONDS = 15;

    private ParentWatchAgent() {
    }

    /** {@code -javaagent:<jar>=<parent pid>}. */
    public static void premain(String parentPid) {
        Optional<ProcessHandle> parent = Optional.empty();
        if (parentPid != null && !parentPid.isBlank()) {
            parent = ProcessHandle.of(Long.parseLong(parentPid.strip()));
            if (parent.isEmpty() || !parent.get().isAlive()) {
                exit("parent " + parentPid.strip() + " is gone before start-up");
                return;
            }
        }
        Thread stdinWatch = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // the parent never writes; anything it does write is ignored
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as end of input
            }
            exit("stdin closed");
        }, "parent-stdin-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        parent.ifPresent(handle -> handle.onExit().thenRun(() -> exit("parent " + handle.pid() + " exited")));
    }

    private static void exit(String why) {
        System.err.println("[parent-watch] " + why + ": the process that started this one is gone, exiting");
        Thread halt = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(HALT_AFTER_SECONDS);
            } catch (InterruptedException ignored) {
                // halting anyway
            }
            Runtime.getRuntime().halt(1);
        }, "parent-watch-halt");
        halt.setDaemon(true);
        halt.start();
        // Not on the watching thread: System.exit blocks until the shutdown hooks ran.
        Thread exit = new Thread(() -> System.exit(0), "parent-watch-exit");
        exit.start();
    }

    /**
     * The JVM option that puts the agent on a child of this JVM: {@code -javaagent:<jar>=<this JVM's pid>}. The child
     * must also get its stdin as a pipe that this JVM holds ({@link ProcessBuilder.Redirect#PIPE}), the first of the
     * two signals.
     */
    public static String javaAgentOption() throws IOException {
        return "-javaagent:" + jar() + "=" + ProcessHandle.current().pid();
    }

    /**
     * The agent jar (this class and a manifest naming it {@code Premain-Class}), written once into the local-stack
     * cache under a name that holds the class's checksum; concurrent JVMs are safe (written aside, moved into place).
     */
    static synchronized Path jar() throws IOException {
        String resource = ParentWatchAgent.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = ParentWatchAgent.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + resource);
            }
            bytes = in.readAllBytes();
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        Path jar = EmbeddedS3.cacheRoot().resolve("parent-watch-agent-" + Long.toHexString(crc.getValue()) + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), ParentWatchAgent.class.getName());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(buffer, manifest)) {
            out.putNextEntry(new JarEntry(resource));
            out.write(bytes);
            out.closeEntry();
        }
        Files.createDirectories(jar.getParent());
        Path tmp = Files.createTempFile(jar.getParent(), "parent-watch", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            buffer.writeTo(out);
        }
        try {
            Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            if (!Files.isRegularFile(jar)) {
                throw e;
            }
        }
        return jar;
    }
}
