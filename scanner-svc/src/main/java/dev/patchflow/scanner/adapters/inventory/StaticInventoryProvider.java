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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.InventoryProvider;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.scanner.domain.TargetIds;
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

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The file's shape; {@code kind}, {@code installPath} and {@code installedVersion} are not the file's to set. */
    record InventoryFile(List<Entry> targets) {
    }

    record Entry(String id, String name, String environment, String landingZone, Map<String, String> labels,
            String address, String platform, String arch, String state, String clusterId, String role) {
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
            targets.add(new Target(entry.id(), entry.name() == null ? entry.id() : entry.name(), Target.KIND_STATIC,
                    entry.environment(), entry.landingZone(), entry.labels(), entry.address(), entry.platform(),
                    entry.arch(), entry.state(), null, null, entry.clusterId(), entry.role()));
        }
        return targets;
    }
}
