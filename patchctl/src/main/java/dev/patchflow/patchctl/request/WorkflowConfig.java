package dev.patchflow.patchctl.request;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.patchflow.schemas.events.CheckSpec;

/**
 * The workflow file of {@code --config}, in the shape the pre-patch teams already use:
 *
 * <pre>
 * workflow:
 *   phases:
 *     ami_backup: {enabled: true}     # or backup:; maps to phases.backup
 *     patch: {enabled: true}
 *     validation: {enabled: false}
 *   rollout: {max_concurrency: 25%}   # also accepted at the top level
 *   checks:                           # also accepted at the top level
 *     - type: version
 *     - {type: command, name: health, command: "sh bin/health.sh"}
 *     - {type: http, url: "http://${address}:8080/health", expect_status: 200}
 * </pre>
 *
 * Keys the pipeline has no use for ({@code scanner.timeout}, {@code server_start}, ...) are ignored,
 * because the same file drives other tools. A value that is absent stays {@code null} so that the
 * flags and the defaults can decide.
 *
 * @param checks {@code null} when the file has no {@code checks:} list
 */
public record WorkflowConfig(Boolean backup, Boolean patch, Boolean validation, String rolloutStrategy,
        String maxConcurrency, List<CheckSpec> checks) {

    public static final WorkflowConfig EMPTY = new WorkflowConfig(null, null, null, null, null, null);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public static WorkflowConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--config: no such file: " + file.toAbsolutePath());
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new UsageException("--config " + file + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UsageException("--config " + file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(root, file.toString());
    }

    static WorkflowConfig parse(JsonNode root, String name) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return EMPTY;
        }
        if (!root.isObject()) {
            throw new UsageException("--config " + name + ": expected a YAML mapping at the top");
        }
        JsonNode workflow = root.path("workflow");
        JsonNode phases = workflow.path("phases");
        Boolean scanner = enabled(phases, name, "scanner");
        if (Boolean.FALSE.equals(scanner)) {
            throw new UsageException("--config " + name
                    + ": workflow.phases.scanner.enabled=false is not supported: every run starts with a scan "
                    + "(use --scanner-only to run nothing else)");
        }
        Boolean backup = enabled(phases, name, "ami_backup");
        Boolean backupAlias = enabled(phases, name, "backup");
        if (backup != null && backupAlias != null && !backup.equals(backupAlias)) {
            throw new UsageException("--config " + name
                    + ": workflow.phases.ami_backup.enabled and workflow.phases.backup.enabled disagree");
        }
        backup = backup != null ? backup : backupAlias;

        JsonNode rollout = first(workflow.path("rollout"), root.path("rollout"));
        String maxConcurrency = text(first(rollout.path("max_concurrency"), rollout.path("maxConcurrency")));
        String strategy = text(rollout.path("strategy"));

        JsonNode checksNode = first(workflow.path("checks"), root.path("checks"));
        List<CheckSpec> checks = checksNode.isMissingNode() || checksNode.isNull() ? null : checks(checksNode, name);

        return new WorkflowConfig(backup, enabled(phases, name, "patch"), enabled(phases, name, "validation"),
                strategy, maxConcurrency, checks);
    }

    private static Boolean enabled(JsonNode phases, String name, String phase) {
        JsonNode node = phases.path(phase);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        // "validation: false" is a natural shorthand for "validation: {enabled: false}".
        JsonNode flag = node.isObject() ? node.path("enabled") : node;
        if (flag.isMissingNode() || flag.isNull()) {
            return null;
        }
        if (!flag.isBoolean()) {
            throw new UsageException("--config " + name + ": workflow.phases." + phase
                    + ".enabled must be true or false, was " + flag);
        }
        return flag.booleanValue();
    }

    private static List<CheckSpec> checks(JsonNode node, String name) {
        if (!node.isArray()) {
            throw new UsageException("--config " + name + ": checks must be a list");
        }
        List<CheckSpec> checks = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode check = node.get(i);
            String where = "--config " + name + ": checks[" + i + "]";
            if (!check.isObject()) {
                throw new UsageException(where + " must be a mapping with a type");
            }
            String type = text(check.path("type"));
            if (type == null) {
                throw new UsageException(where + ".type is missing (command, http or version)");
            }
            List<String> command = switch (check.path("command").getNodeType()) {
                case ARRAY -> {
                    List<String> argv = new ArrayList<>();
                    check.path("command").forEach(arg -> argv.add(arg.asText()));
                    yield argv;
                }
                case STRING -> CommandSplitter.split(check.path("command").asText());
                default -> List.of();
            };
            checks.add(new CheckSpec(text(check.path("name")), type, command, text(check.path("url")),
                    integer(first(check.path("expect_status"), check.path("expectStatus")), where + ".expect_status"),
                    text(first(check.path("version_file"), check.path("versionFile"))),
                    integer(first(check.path("timeout_seconds"), check.path("timeoutSeconds")),
                            where + ".timeout_seconds")));
        }
        return checks;
    }

    private static JsonNode first(JsonNode preferred, JsonNode fallback) {
        return preferred.isMissingNode() || preferred.isNull() ? fallback : preferred;
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static Integer integer(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new UsageException(where + " must be a whole number, was " + node);
        }
        return node.intValue();
    }
}
