package dev.patchflow.launcher;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import dev.patchflow.schemas.DirectoryInstall;

/**
 * A fleet of local application installs made from {@code examples/demo-app}: each a folder with a
 * {@code VERSION} file and a {@code target.yaml} (environment, landing zone, labels) that the
 * scanner's {@code directory} provider reads.
 */
public final class DemoFleet {

    /** Marker file: the demo patch fails on this install (exit 3) with the file's content as error. */
    public static final String BROKEN = "BROKEN";
    /** Marker file: the demo app's health check fails on this install. */
    public static final String UNHEALTHY = "UNHEALTHY";

    private final Path template;
    private final Path root;

    public DemoFleet(Path home, Path root) {
        this.template = home.resolve("examples/demo-app");
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Creates {@code count} installs named {@code <prefix>-01…}, at version 1.0.0. */
    public List<Path> create(String prefix, int count, String environment) throws IOException {
        List<Path> installs = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            installs.add(createAt(String.format("%s-%02d", prefix, i), "1.0.0", environment, i));
        }
        return installs;
    }

    /**
     * Creates one install at {@code version}: a copy of {@code examples/demo-app-<version>} where the
     * examples have that release, otherwise of the 1.0.0 app with its version marker and release line
     * rewritten (enough for an install the package executor must treat as another release).
     */
    public Path createAt(String id, String version, String environment, int index) throws IOException {
        Files.createDirectories(root);
        Path install = root.resolve(id);
        Path released = template.resolveSibling(template.getFileName() + "-" + version);
        if (Files.isDirectory(released)) {
            copyTree(released, install);
        } else {
            copyTree(template, install);
            if (!"1.0.0".equals(version)) {
                Files.writeString(install.resolve(DirectoryInstall.VERSION_FILE), version + "\n");
                Path conf = install.resolve("conf/app.conf");
                Files.writeString(conf, Files.readString(conf).replaceFirst("(?m)^release=.*$", "release=" + version));
            }
        }
        String landingZone = index % 2 == 1 ? "lz-dev-a" : "lz-dev-b";
        Files.writeString(install.resolve(DirectoryInstall.DESCRIPTOR_FILE), """
                # Read by scanner-svc's directory provider.
                name: %s
                environment: %s
                landingZone: %s
                labels:
                  app: demo-app
                  tier: %s
                """.formatted(id, environment, landingZone, index % 3 == 0 ? "batch" : "web"));
        return install;
    }

    /** Marks an install so that the demo patch fails on it. */
    public static void markBroken(Path install, String why) throws IOException {
        Files.writeString(install.resolve(BROKEN), why + "\n");
    }

    /** Marks an install so that its health check fails after patching. */
    public static void markUnhealthy(Path install, String why) throws IOException {
        Files.writeString(install.resolve(UNHEALTHY), why + "\n");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IllegalStateException("demo app template " + from + " is missing");
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
