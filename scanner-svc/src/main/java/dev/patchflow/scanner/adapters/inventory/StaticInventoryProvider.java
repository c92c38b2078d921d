package dev.patchflow.scanner.adapters.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.yaml.snakeyaml.LoaderOptions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.InventoryProvider;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.scanner.domain.TargetIds;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * Targets listed in an inventory file, YAML ({@code .yaml}, {@code .yml}, or any other name) or JSON
 * ({@code .json}): {@code targets: [{id, name, environment, landingZone, labels, address, platform,
 * arch, state, clusterId, role}]}. Unknown fields are refused rather than ignored, so that a typo such as
 * {@code enviroment} rejects the run instead of silently selecting nothing.
 */
@ApplicationScoped
public class StaticInventoryProvider implements InventoryProvider {

    public static final String NAME = "static";

    /**
     * SnakeYAML refuses a document of more than 3 MiB code points by default, about 25,000 targets; a fleet's
     * inventory is larger. 64 Mi code points is about 500,000 targets (~130 bytes each), read into memory once.
     */
    static final int MAX_YAML_CODE_POINTS = 64 * 1024 * 1024;

    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
            .loaderOptions(loaderOptions()).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The file's shape; {@code kind}, {@code installPath} and {@code installedVersion} are not the file's to set. */
    record InventoryFile(List<Entry> targets) {
    }

    record Entry(String id, String name, String environment, String landingZone, Map<String, String> labels,
            String address, String platform, String arch, String state, String clusterId, String role,
            DatabaseEntry database) {
    }

    /**
     * A schema on a MySQL/MariaDB server: the target is of kind {@code mysql}. Credentials are a reference
     * ({@code file:<path>} or {@code env:<PREFIX>}), never written here or in the URL.
     */
    record DatabaseEntry(String engine, String url, String schema, String credentialsRef) {
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_YAML_CODE_POINTS);
        return options;
    }

    private final SourcePaths paths;

    @Inject
    StaticInventoryProvider(ScannerConfig config) {
        this(new SourcePaths(config.baseDir()));
    }

    public StaticInventoryProvider(SourcePaths paths) {
        this.paths = paths;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String sourceDescription() {
        return "an inventory file (YAML or JSON)";
    }

    @Override
    public boolean providesInstallFolders() {
        return false;
    }

    @Override
    public List<Target> discover(TargetSelector selector) {
        Path file = paths.resolve(selector.source());
        String what = "inventory file " + file;
        if (!Files.exists(file)) {
            throw new RejectedRunException(what + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new RejectedRunException(what + " is not a file");
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        InventoryFile inventory;
        String content = null;
        try {
            content = Files.readString(file);
            inventory = content.isBlank() ? null : (json ? JSON : YAML).readValue(content, InventoryFile.class);
        } catch (JsonProcessingException e) {
            throw new RejectedRunException(YamlErrors.describe(what, json ? "JSON" : "YAML", e, content), e);
        } catch (IOException e) {
            throw new RejectedRunException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (inventory == null || inventory.targets() == null) {
            throw new RejectedRunException(what + " has no 'targets' list");
        }
        return toTargets(what, inventory.targets());
    }

    private static DatabaseTarget database(String where, DatabaseEntry entry) {
        if (entry == null) {
            return null;
        }
        String engine = entry.engine() == null ? Target.KIND_MYSQL : entry.engine();
        if (!engine.equals(Target.KIND_MYSQL)) {
            throw new RejectedRunException(where + ".database.engine '" + engine + "' is not one the static "
                    + "inventory lists (mysql)");
        }
        String url = entry.url();
        if (url == null || !url.startsWith("jdbc:mariadb://") && !url.startsWith("jdbc:mysql://")) {
            throw new RejectedRunException(where + ".database.url must be a jdbc:mariadb:// or jdbc:mysql:// URL");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.contains("password=") || url.substring(url.indexOf("//") + 2).split("/", 2)[0].contains("@")) {
            throw new RejectedRunException(where + ".database.url carries credentials: put them where "
                    + "database.credentialsRef points (file:<path> or env:<PREFIX>)");
        }
        String ref = entry.credentialsRef();
        if (ref != null && !ref.startsWith("file:") && !ref.startsWith("env:")) {
            throw new RejectedRunException(where + ".database.credentialsRef must be file:<path> or env:<PREFIX>");
        }
        return new DatabaseTarget(Target.KIND_MYSQL, url, entry.schema(), ref, null, null);
    }

    private static List<Target> toTargets(String what, List<Entry> entries) {
        List<Target> targets = new ArrayList<>(entries.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            String where = what + ": targets[" + i + "]";
            if (entry == null || entry.id() == null || entry.id().isBlank()) {
                throw new RejectedRunException(where + " has no id");
            }
            if (!TargetIds.isValid(entry.id())) {
                throw new RejectedRunException(where + ".id " + TargetIds.describeInvalid(entry.id()));
            }
            Integer first = seen.putIfAbsent(entry.id(), i);
            if (first != null) {
                throw new RejectedRunException(what + ": target id '" + entry.id() + "' is used by targets[" + first
                        + "] and targets[" + i + "]");
            }
            DatabaseTarget database = database(where, entry.database());
            targets.add(new Target(entry.id(), entry.name() == null ? entry.id() : entry.name(),
                    database == null ? Target.KIND_STATIC : Target.KIND_MYSQL, entry.environment(),
                    entry.landingZone(), entry.labels(), entry.address(), entry.platform(), entry.arch(),
                    entry.state(), null, null, entry.clusterId(), entry.role(), null, null, database));
        }
        return targets;
    }
}
