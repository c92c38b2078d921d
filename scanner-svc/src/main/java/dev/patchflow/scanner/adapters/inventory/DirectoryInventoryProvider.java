package dev.patchflow.scanner.adapters.inventory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.InventoryProvider;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.scanner.domain.TargetIds;
import dev.patchflow.schemas.DirectoryInstall;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * Application installs under a root folder: every immediate sub-folder holding a {@code VERSION} file
 * is one install ({@code id} = folder name, {@code installedVersion} = the trimmed file content). An
 * optional {@code target.yaml} in the install sets name, environment, landing zone, labels, platform,
 * arch and address; otherwise environment and landing zone are {@code local} and platform/arch are this
 * machine's.
 */
@ApplicationScoped
public class DirectoryInventoryProvider implements InventoryProvider {

    public static final String NAME = "directory";
    public static final String VERSION_FILE = DirectoryInstall.VERSION_FILE;
    public static final String TARGET_FILE = DirectoryInstall.DESCRIPTOR_FILE;
    public static final String DEFAULT_ENVIRONMENT = "local";
    public static final String DEFAULT_LANDING_ZONE = "local";
    public static final String STATE_INSTALLED = "installed";

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** What {@code target.yaml} may set; the rest of a directory target is fixed by the folder. */
    record Overrides(String name, String environment, String landingZone, Map<String, String> labels,
            String platform, String arch, String address) {
    }

    private final SourcePaths paths;
    private final String platform;
    private final String arch;

    @Inject
    DirectoryInventoryProvider(ScannerConfig config) {
        this(new SourcePaths(config.baseDir()), config.directory().platform().orElse(thisPlatform()),
                config.directory().arch().orElse(thisArch()));
    }

    public DirectoryInventoryProvider(SourcePaths paths, String platform, String arch) {
        this.paths = paths;
        this.platform = platform;
        this.arch = arch;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String sourceDescription() {
        return "a root folder holding the application installs";
    }

    @Override
    public boolean providesInstallFolders() {
        return true;
    }

    @Override
    public List<Target> discover(TargetSelector selector) {
        Path root = paths.resolve(selector.source());
        if (!Files.exists(root)) {
            throw new RejectedRunException("directory root " + root + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new RejectedRunException("directory root " + root + " is not a folder");
        }
        List<Path> installs;
        try (Stream<Path> children = Files.list(root)) {
            // Sorted by name: the run order must not depend on the file system's listing order.
            installs = children.filter(Files::isDirectory)
                    .filter(child -> Files.isRegularFile(child.resolve(VERSION_FILE)))
                    .sorted(Comparator.comparing(child -> child.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new RejectedRunException("directory root " + root + " cannot be listed: " + e.getMessage(), e);
        }
        List<Target> targets = new ArrayList<>(installs.size());
        for (Path install : installs) {
            targets.add(toTarget(install));
        }
        return targets;
    }

    private Target toTarget(Path install) {
        String id = install.getFileName().toString();
        if (!TargetIds.isValid(id)) {
            throw new RejectedRunException("install folder " + install + " cannot be a target: its name "
                    + TargetIds.describeInvalid(id));
        }
        String version = readVersion(install.resolve(VERSION_FILE));
        Overrides overrides = readOverrides(install.resolve(TARGET_FILE));
        return new Target(id, or(overrides.name(), id), Target.KIND_DIRECTORY,
                or(overrides.environment(), DEFAULT_ENVIRONMENT), or(overrides.landingZone(), DEFAULT_LANDING_ZONE),
                overrides.labels(), overrides.address(), or(overrides.platform(), platform),
                or(overrides.arch(), arch), STATE_INSTALLED, install.toAbsolutePath().normalize().toString(),
                version, null, null);
    }

    private static String readVersion(Path file) {
        String version;
        try {
            version = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new RejectedRunException("version file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (version.isEmpty()) {
            throw new RejectedRunException("version file " + file + " is empty");
        }
        return version;
    }

    private static Overrides readOverrides(Path file) {
        if (!Files.exists(file)) {
            return new Overrides(null, null, null, null, null, null, null);
        }
        String content = null;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
            Overrides overrides = content.isBlank() ? null : YAML.readValue(content, Overrides.class);
            return overrides == null ? new Overrides(null, null, null, null, null, null, null) : overrides;
        } catch (JsonProcessingException e) {
            throw new RejectedRunException(YamlErrors.describe(TARGET_FILE + " " + file, "YAML", e, content), e);
        } catch (IOException e) {
            throw new RejectedRunException(TARGET_FILE + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String or(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** {@code linux}, {@code darwin}, {@code windows}: the names the executors and checks expect. */
    static String thisPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "darwin";
        }
        if (os.startsWith("windows")) {
            return "windows";
        }
        return os.isBlank() ? "linux" : os.split("\\s+")[0];
    }

    /** The JVM says {@code amd64}; targets say {@code x86_64}. */
    static String thisArch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            default -> arch;
        };
    }
}
