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

import dev.patchflow.schemas.events.AwsOptions;
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
 * For AWS runs the seed's keys (scanner.timeout, ami_backup.retention_days/timeout/no_reboot, server_start.*, validation.health_checks/ssm_ping) map to the run's AWS options and checks; any other key is refused, naming it.
 * because the same file drives other tools. A value that is absent stays {@code null} so that the
 * flags and the defaults can decide.
 *
 * @param checks {@code null} when the file has no {@code checks:} list
 */
public record WorkflowConfig(Boolean backup, Boolean patch, Boolean validation, String rolloutStrategy,
        String maxConcurrency, List<CheckSpec> checks, AwsOptions aws, Boolean healthChecks, Boolean ssmPing) {

    public static final WorkflowConfig EMPTY = new WorkflowConfig(null, null, null, null, null, null, null, null,
            null);

    public WorkflowConfig(Boolean backup, Boolean patch, Boolean validation, String rolloutStrategy,
            String maxConcurrency, List<CheckSpec> checks) {
        this(backup, patch, validation, rolloutStrategy, maxConcurrency, checks, null, null, null);
    }

    /** Every key a phase may have; anything else is refused naming it. */
    private static final java.util.Map<String, java.util.Set<String>> PHASE_KEYS = java.util.Map.of("scanner",
            java.util.Set.of("enabled", "timeout"), "ami_backup",
            java.util.Set.of("enabled", "retention_days", "timeout", "no_reboot"), "backup",
            java.util.Set.of("enabled"), "patch", java.util.Set.of("enabled"), "server_start",
            java.util.Set.of("enabled", "wait_timeout", "restore_power_state"), "validation",
            java.util.Set.of("enabled", "health_checks", "ssm_ping"));

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

        checkKeys(phases, name);
        Integer scanTimeout = integer(phases.path("scanner").path("timeout"), "--config " + name
                + ": workflow.phases.scanner.timeout");
        JsonNode ami = phases.path("ami_backup");
        Integer retention = integer(ami.path("retention_days"), "--config " + name
                + ": workflow.phases.ami_backup.retention_days");
        Integer amiTimeout = integer(ami.path("timeout"), "--config " + name + ": workflow.phases.ami_backup.timeout");
        Boolean noReboot = bool(ami.path("no_reboot"), name, "ami_backup.no_reboot");
        JsonNode start = phases.path("server_start");
        Boolean startStopped = enabled(phases, name, "server_start");
        Integer waitTimeout = integer(start.path("wait_timeout"), "--config " + name
                + ": workflow.phases.server_start.wait_timeout");
        Boolean restore = bool(start.path("restore_power_state"), name, "server_start.restore_power_state");
        for (Integer seconds : java.util.Arrays.asList(scanTimeout, retention, amiTimeout, waitTimeout)) {
            if (seconds != null && seconds < 1) {
                throw new UsageException("--config " + name + ": timeouts and retention_days must be at least 1");
            }
        }
        AwsOptions aws = scanTimeout == null && retention == null && amiTimeout == null && noReboot == null
                && startStopped == null && waitTimeout == null && restore == null
                        ? null
                        : new AwsOptions(scanTimeout, retention, amiTimeout, noReboot, startStopped, waitTimeout,
                                restore);
        JsonNode validation = phases.path("validation");
        return new WorkflowConfig(backup, enabled(phases, name, "patch"), enabled(phases, name, "validation"),
                strategy, maxConcurrency, checks, aws, bool(validation.path("health_checks"), name,
                        "validation.health_checks"),
                bool(validation.path("ssm_ping"), name, "validation.ssm_ping"));
    }

    private static void checkKeys(JsonNode phases, String name) {
        if (phases.isMissingNode() || phases.isNull()) {
            return;
        }
        phases.fieldNames().forEachRemaining(phase -> {
            java.util.Set<String> keys = PHASE_KEYS.get(phase);
            if (keys == null) {
                throw new UsageException("--config " + name + ": unknown phase workflow.phases." + phase + " (known: "
                        + String.join(", ", new java.util.TreeSet<>(PHASE_KEYS.keySet())) + ")");
            }
            JsonNode node = phases.get(phase);
            if (node.isObject()) {
                node.fieldNames().forEachRemaining(key -> {
                    if (!keys.contains(key)) {
                        throw new UsageException("--config " + name + ": unknown key workflow.phases." + phase + "."
                                + key + " (known: " + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
                    }
                });
            }
        });
    }

    private static Boolean bool(JsonNode node, String name, String key) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new UsageException("--config " + name + ": workflow.phases." + key + " must be true or false, was "
                    + node);
        }
        return node.booleanValue();
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
