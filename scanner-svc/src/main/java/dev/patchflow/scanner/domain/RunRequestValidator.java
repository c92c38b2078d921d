package dev.patchflow.scanner.domain;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * The checks of a request that every later service relies on, made once, here, before anything is
 * discovered. The JSON Schema already guarantees the shapes (required fields, types, the
 * {@code maxConcurrency} pattern {@code ^[1-9][0-9]*%?$}, the check type enum, positive timeouts);
 * this class checks what a schema cannot: cross-field rules and what the other services can execute.
 */
public final class RunRequestValidator {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    /** The placeholders the validator replaces in an http check's URL. */
    private static final Set<String> URL_PLACEHOLDERS = Set.of("address", "id");
    /** The placeholders of a kubernetes check's URL: also the target's Service. */
    private static final Set<String> SERVICE_URL_PLACEHOLDERS = Set.of("address", "id", "service");
    /** The inventory whose targets are Kubernetes workloads (the k8s-job executor and the kubernetes check). */
    static final String KUBERNETES_PROVIDER = "kubernetes";

    private final InventoryProviders providers;
    /** The signed-package executor of patch-runner-svc: it needs a release manifest, not a command. */
    static final String PACKAGE_EXECUTOR = "package";
    /** SSM Run Command (AWS-RunPatchBaseline) of patch-runner-svc: only EC2 instances can run it. */
    static final String SSM_EXECUTOR = "ssm";
    /** The EC2 inventory: the only provider whose targets the AWS checks and the ssm executor can reach. */
    static final String AWS_PROVIDER = "aws-ec2";
    static final String SQL_SCHEMA_EXECUTOR = "sql-schema";
    /** The database cluster executor of patch-runner-svc: its command is the node-level update step. */
    static final String DB_CLUSTER_EXECUTOR = "db-cluster";
    /** The provider whose targets are database cluster nodes. */
    static final String DATABASE_PROVIDER = "database";

    private final Set<String> executors;

    /**
     * @param executors the patch executors the runner has (today {@code process} and {@code package})
     */
    public RunRequestValidator(InventoryProviders providers, Set<String> executors) {
        this.providers = providers;
        this.executors = Set.copyOf(executors);
    }

    /** Every problem of the request, each a sentence for the requester; empty when it can run. */
    public List<String> problems(PatchRequested request) {
        List<String> problems = new ArrayList<>();
        Optional<InventoryProvider> provider = checkTargets(request.targets(), problems);
        RunOptions options = request.options();
        checkPatch(request.patch(), options, problems);
        if (SSM_EXECUTOR.equals(request.patch().executor()) && provider.isPresent()
                && !AWS_PROVIDER.equals(provider.get().name())) {
            problems.add("the ssm executor patches EC2 instances through SSM Run Command; " + provider.get().name()
                    + " targets are not EC2 instances (use the " + AWS_PROVIDER + " provider)");
        }
        checkMaxConcurrency(options.rollout().maxConcurrency(), problems);
        checkChecks(options.checks(), provider, request.patch(), problems);
        return problems;
    }

    private Optional<InventoryProvider> checkTargets(TargetSelector targets, List<String> problems) {
        if (targets == null) {
            problems.add("no targets selector: the request must say which targets to patch");
            return Optional.empty();
        }
        Optional<InventoryProvider> provider = providers.find(targets.provider());
        if (provider.isEmpty()) {
            problems.add("unknown inventory provider '" + targets.provider() + "' (known: " + providers.knownNames()
                    + ")");
        } else if (!provider.get().needsSource()) {
            if (targets.source() != null && !targets.source().isBlank()) {
                problems.add("targets.source is not used by the " + provider.get().name() + " provider: "
                        + provider.get().sourceDescription());
            }
        } else if (targets.source() == null || targets.source().isBlank()) {
            problems.add("targets.source is missing: the " + provider.get().name() + " provider needs "
                    + provider.get().sourceDescription());
        }
        return provider;
    }

    private void checkPatch(PatchSpec patch, RunOptions options, List<String> problems) {
        if (!executors.contains(patch.executor())) {
            problems.add("unknown patch executor '" + patch.executor() + "' (known: "
                    + String.join(", ", executors.stream().sorted().toList()) + ")");
        } else if (PatchSpec.EXECUTOR_PROCESS.equals(patch.executor()) && options.phases().patch()
                && (patch.command().isEmpty() || patch.command().get(0).isBlank())) {
            // A dry run still runs the command (with --dry-run), so it needs one too.
            problems.add("patch.command is empty: the process executor needs the program and its arguments");
        } else if (SQL_SCHEMA_EXECUTOR.equals(patch.executor())) {
            String schema = patch.parameters().get("schema");
            if (schema == null || schema.isBlank()) {
                problems.add("patch.parameters.schema is missing: the sql-schema executor needs the desired schema's "
                        + "s3:// or http(s):// location");
            } else if (!schema.matches("(?i)^(s3|https?)://.+")) {
                problems.add("patch.parameters.schema '" + schema + "' is not an s3:// or http(s):// location");
            }
        } else if (PatchSpec.EXECUTOR_K8S_JOB.equals(patch.executor())) {
            String image = patch.parameters().get("image");
            if (image == null || image.isBlank()) {
                problems.add("patch.parameters.image is missing: the k8s-job executor runs a patch image");
            }
        } else if (DB_CLUSTER_EXECUTOR.equals(patch.executor()) && options.phases().patch() && !options.dryRun()
                && (patch.command().isEmpty() || patch.command().get(0).isBlank())) {
            problems.add("patch.command is empty: the db-cluster executor runs it on each node as the update step");
        } else if (PACKAGE_EXECUTOR.equals(patch.executor())) {
            String manifest = patch.parameters().get("manifest");
            if (manifest == null || manifest.isBlank()) {
                problems.add("patch.parameters.manifest is missing: the package executor needs the release manifest's "
                        + "s3:// or http(s):// URI");
            } else if (!manifest.matches("(?i)^(s3|https?)://.+")) {
                problems.add("patch.parameters.manifest '" + manifest
                        + "' is not an s3:// or http(s):// URI (publish a local manifest first)");
            }
        }
    }

    private static void checkMaxConcurrency(String maxConcurrency, List<String> problems) {
        if (maxConcurrency == null) {
            return;
        }
        boolean percent = maxConcurrency.endsWith("%");
        String digits = percent ? maxConcurrency.substring(0, maxConcurrency.length() - 1) : maxConcurrency;
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            problems.add("rollout.maxConcurrency '" + maxConcurrency + "' is not a number or a percentage");
            return;
        }
        if (value < 1) {
            problems.add("rollout.maxConcurrency '" + maxConcurrency + "' must be at least 1");
        } else if (percent && value > 100) {
            problems.add("rollout.maxConcurrency '" + maxConcurrency + "' is more than 100%");
        } else if (!percent && value > Integer.MAX_VALUE) {
            problems.add("rollout.maxConcurrency '" + maxConcurrency + "' is too large");
        }
    }

    private static void checkChecks(List<CheckSpec> checks, Optional<InventoryProvider> provider, PatchSpec patch,
            List<String> problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < checks.size(); i++) {
            CheckSpec check = checks.get(i);
            String where = "check " + i + " ('" + check.name() + "')";
            if (!names.add(check.name())) {
                problems.add(where + ": the name is used twice; the report tells checks apart by name");
            }
            switch (check.type()) {
                case CheckSpec.COMMAND -> {
                    if (check.command().isEmpty() || check.command().get(0).isBlank()) {
                        problems.add(where + ": a command check needs a command (argv)");
                    }
                }
                case CheckSpec.HTTP -> checkUrl(where, check.url(), URL_PLACEHOLDERS, problems);
                case CheckSpec.KUBERNETES -> {
                    if (provider.isPresent() && !KUBERNETES_PROVIDER.equals(provider.get().name())) {
                        problems.add(where + ": a kubernetes check reads a workload, which " + provider.get().name()
                                + " targets are not");
                    }
                    if (check.url() != null) {
                        checkUrl(where, check.url(), SERVICE_URL_PLACEHOLDERS, problems);
                    }
                }
                case CheckSpec.VERSION -> {
                    if (provider.isPresent() && !provider.get().providesInstallFolders()) {
                        problems.add(where + ": a version check reads the install folder, which "
                                + provider.get().name() + " targets do not have");
                    }
                    checkVersionFile(where, check.versionFile(), problems);
                }
                case CheckSpec.DB_VERSION, CheckSpec.DB_CLUSTER -> {
                    if (provider.isPresent() && !DATABASE_PROVIDER.equals(provider.get().name())) {
                        problems.add(where + ": a " + check.type() + " check asks a database cluster, which "
                                + provider.get().name() + " targets are not (use the database provider)");
                    }
                }
                case CheckSpec.AWS_INSTANCE_RUNNING, CheckSpec.AWS_SSM_ONLINE, CheckSpec.AWS_BACKUP_IMAGE,
                        CheckSpec.AWS_PATCH_COMPLIANCE -> {
                    if (provider.isPresent() && !AWS_PROVIDER.equals(provider.get().name())) {
                        problems.add(where + ": a " + check.type() + " check asks AWS about an EC2 instance, which "
                                + provider.get().name() + " targets are not");
                    }
                }
                case CheckSpec.SCHEMA -> {
                    // the desired schema: the check's url, else the sql-schema patch's schema parameter
                    String location = check.url() != null && !check.url().isBlank()
                            ? check.url()
                            : patch == null ? null : patch.parameters().get("schema");
                    if (location == null || location.isBlank()) {
                        problems.add(where + ": a schema check needs the desired schema: its url, or a sql-schema "
                                + "patch's parameters.schema");
                    } else if (!location.matches("(?i)^(s3|https?)://.+")) {
                        problems.add(where + ": the desired schema '" + location
                                + "' is not an s3:// or http(s):// location");
                    }
                }
                default -> problems.add(where + ": the validator cannot run checks of type '" + check.type()
                        + "' (known: command, http, kubernetes, version, db-version, db-cluster, schema, "
                        + String.join(", ", CheckSpec.AWS_TYPES.stream().sorted().toList()) + ")");
            }
        }
    }

    private static void checkUrl(String where, String url, Set<String> known, List<String> problems) {
        if (url == null || url.isBlank()) {
            problems.add(where + ": an http check needs a url");
            return;
        }
        Matcher placeholders = PLACEHOLDER.matcher(url);
        StringBuilder sample = new StringBuilder();
        while (placeholders.find()) {
            if (!known.contains(placeholders.group(1))) {
                problems.add(where + ": unknown placeholder ${" + placeholders.group(1) + "} in url (known: "
                        + String.join(", ", known.stream().sorted().map(k -> "${" + k + "}").toList()) + ")");
                return;
            }
            placeholders.appendReplacement(sample, "placeholder");
        }
        placeholders.appendTail(sample);
        try {
            URI uri = new URI(sample.toString());
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                problems.add(where + ": url '" + url + "' is not an http(s) URL");
            } else if (uri.getHost() == null && uri.getAuthority() == null) {
                problems.add(where + ": url '" + url + "' has no host");
            }
        } catch (URISyntaxException e) {
            problems.add(where + ": url '" + url + "' is not a URL: " + e.getReason());
        }
    }

    private static void checkVersionFile(String where, String versionFile, List<String> problems) {
        if (versionFile == null) {
            return;
        }
        try {
            Path path = Path.of(versionFile);
            if (versionFile.isBlank() || path.isAbsolute() || path.normalize().startsWith("..")) {
                problems.add(where + ": versionFile '" + versionFile + "' must be a path inside the install folder");
            }
        } catch (InvalidPathException e) {
            problems.add(where + ": versionFile '" + versionFile + "' is not a path: " + e.getReason());
        }
    }
}
