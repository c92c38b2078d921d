package dev.patchflow.patchctl.request;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.EventSchemas;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * Turns {@link RequestInput} into a {@link PatchRequested} that passes the contract's JSON Schema.
 * Precedence: defaults, then the {@code --config} file, then flags; {@code --scanner-only} turns
 * every phase after the scan off. Every rejection is a {@link UsageException} naming the flag.
 */
public final class RequestBuilder {

    public static final String PROVIDER_STATIC = "static";
    public static final String PROVIDER_DIRECTORY = "directory";
    public static final String PROVIDER_AWS = "aws-ec2";
    public static final String EXECUTOR_SSM = "ssm";

    /** The signed-package executor of patch-runner-svc and its parameters. */
    public static final String EXECUTOR_PACKAGE = "package";
    public static final String PARAM_MANIFEST = "manifest";
    public static final String PARAM_FORCE_FULL = "forceFull";
    public static final String PARAM_ALLOW_UNSIGNED = "allowUnsigned";
    private static final Set<String> MANIFEST_SCHEMES = Set.of("s3", "http", "https");
    /** Checks that need no argument: the install's version, a database node's version, its cluster's health. */
    private static final Set<String> ARGUMENTLESS_CHECKS = Set.of(CheckSpec.VERSION, CheckSpec.KUBERNETES,
            CheckSpec.DB_VERSION,
            CheckSpec.DB_CLUSTER);

    private final Clock clock;

    public RequestBuilder(Clock clock) {
        this.clock = clock;
    }

    public PatchRequested build(RequestInput in) {
        WorkflowConfig config = in.config() == null ? WorkflowConfig.EMPTY : WorkflowConfig.load(in.config());
        String runId = runId(in);
        if (isAws(in)) {
            // Seed 004's CLI: --landing-zones / --environment alone are an AWS run, patched with SSM's baseline.
            in = in.forAws(runId);
        } else {
            List<String> missing = new ArrayList<>();
            if (in.inventory() == null) {
                missing.add("--inventory");
            }
            if (in.patchId() == null) {
                missing.add("--patch-id");
            }
            if (in.patchVersion() == null) {
                missing.add("--patch-version");
            }
            if (!missing.isEmpty()) {
                throw new UsageException("missing required flags: " + String.join(", ", missing)
                        + " (an AWS run takes --landing-zones and/or --environment instead of --inventory)");
            }
        }
        PatchRequested request = new PatchRequested(runId, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                requestedBy(in), patch(in), targets(in), options(in, config));
        validate(request);
        return request;
    }

    private String runId(RequestInput in) {
        return in.runId() == null ? RunIds.generate(clock) : in.runId();
    }

    private static String requestedBy(RequestInput in) {
        if (in.requestedBy() != null) {
            return in.requestedBy();
        }
        String user = System.getenv("USER");
        return user == null || user.isBlank() ? System.getProperty("user.name") : user;
    }

    private static PatchSpec patch(RequestInput in) {
        require(in.patchId(), "--patch-id");
        require(in.patchVersion(), "--patch-version");
        if (in.command() != null && !in.args().isEmpty()) {
            throw new UsageException("--command and --arg are two ways to give the same thing: use one of them");
        }
        List<String> command = in.command() != null ? CommandSplitter.split(in.command()) : in.args();
        if (in.command() != null && command.isEmpty()) {
            throw new UsageException("--command is empty");
        }
        boolean patchPhase = !in.scannerOnly() && !Boolean.FALSE.equals(in.patch());
        Map<String, String> parameters = new LinkedHashMap<>(in.parameters());
        String executor = packageExecutor(in, command, parameters, patchPhase);
        // The process executor has nothing to run without a command; other executors take
        // their input from --param.
        if (PatchSpec.EXECUTOR_PROCESS.equals(executor) && command.isEmpty() && patchPhase) {
            throw new UsageException("--command (or --arg ...) is required for the process executor");
        }
        return new PatchSpec(in.patchId(), in.patchVersion(), executor, command, in.timeoutSeconds(), parameters);
    }

    /**
     * {@code --package-manifest}, {@code --force-full} and {@code --allow-unsigned} are shorthands for
     * the package executor and its parameters; they add to {@code parameters} and return the executor.
     */
    private static String packageExecutor(RequestInput in, List<String> command, Map<String, String> parameters,
            boolean patchPhase) {
        String executor = in.executor();
        if (in.packageManifest() != null) {
            if (executor != null && !EXECUTOR_PACKAGE.equals(executor)) {
                throw new UsageException("--package-manifest selects the " + EXECUTOR_PACKAGE
                        + " executor; it cannot be combined with --executor " + executor);
            }
            if (!command.isEmpty()) {
                throw new UsageException("--package-manifest: the " + EXECUTOR_PACKAGE
                        + " executor runs no command; drop --command/--arg");
            }
            String uri = manifestUri(in.packageManifest());
            String given = parameters.get(PARAM_MANIFEST);
            if (given != null && !given.equals(uri)) {
                throw new UsageException("--package-manifest " + uri + " and --param " + PARAM_MANIFEST + "=" + given
                        + " disagree: give the manifest once");
            }
            executor = EXECUTOR_PACKAGE;
            parameters.put(PARAM_MANIFEST, uri);
        }
        if (in.forceFull() || in.allowUnsigned()) {
            if (!EXECUTOR_PACKAGE.equals(executor)) {
                throw new UsageException((in.forceFull() ? "--force-full" : "--allow-unsigned")
                        + " applies to the " + EXECUTOR_PACKAGE + " executor only (use --package-manifest <uri>)");
            }
            if (in.forceFull()) {
                parameters.put(PARAM_FORCE_FULL, "true");
            }
            if (in.allowUnsigned()) {
                parameters.put(PARAM_ALLOW_UNSIGNED, "true");
            }
        }
        if (EXECUTOR_PACKAGE.equals(executor) && patchPhase && !parameters.containsKey(PARAM_MANIFEST)) {
            throw new UsageException("--executor " + EXECUTOR_PACKAGE
                    + " needs the release manifest: --package-manifest <uri>");
        }
        return executor == null ? PatchSpec.EXECUTOR_PROCESS : executor;
    }

    /**
     * The manifest as the runner will fetch it: an {@code s3://<bucket>/<key>} or {@code http(s)://}
     * URI, the schemes patch-runner-svc's package executor reads. A local path or {@code file:} would
     * only fail later on every target, so it is refused here with the way out.
     */
    private static String manifestUri(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new UsageException("--package-manifest is empty");
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw new UsageException("--package-manifest is not a URI: '" + text + "'", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!MANIFEST_SCHEMES.contains(scheme)) {
            throw new UsageException("--package-manifest must be an s3:// or http(s):// URI the runner can fetch, got '"
                    + text + "' (a local manifest: publish it first with 'patchctl package publish')");
        }
        if (uri.getAuthority() == null || uri.getPath() == null || uri.getPath().length() <= 1) {
            throw new UsageException("--package-manifest '" + text + "' names no object: expected " + scheme
                    + "://<host or bucket>/<path>");
        }
        return trimmed;
    }

    /** {@code --provider aws-ec2}, or no {@code --inventory} but landing zones or an environment. */
    static boolean isAws(RequestInput in) {
        return PROVIDER_AWS.equals(in.provider()) || (in.inventory() == null && in.provider() == null
                && (!in.landingZones().isEmpty() || in.environment() != null));
    }

    private static TargetSelector targets(RequestInput in) {
        if (PROVIDER_AWS.equals(in.provider())) {
            if (in.inventory() != null) {
                throw new UsageException("--inventory is not used by AWS runs: the landing zones come from the"
                        + " landing-zone file the services are configured with; pick them with --landing-zones or"
                        + " --environment");
            }
            return new TargetSelector(PROVIDER_AWS, null, in.environment(), in.landingZones(), in.labels());
        }
        if (in.inventory() == null) {
            throw new UsageException("--inventory is required (an inventory file or a folder of installs)");
        }
        String provider = in.provider();
        if (provider != null && !PROVIDER_DIRECTORY.equals(provider) && !PROVIDER_STATIC.equals(provider)) {
            // Not a path here: what the source means is the provider's (kubernetes: <context>[/<namespace>]).
            return new TargetSelector(provider, in.inventory().toString(), in.environment(), in.landingZones(),
                    in.labels());
        }
        Path source = in.inventory().toAbsolutePath().normalize();
        if (provider == null) {
            if (!Files.exists(source)) {
                throw new UsageException("--inventory: no such file or folder: " + source
                        + " (give --provider if the path only exists where the scanner runs)");
            }
            provider = Files.isDirectory(source) ? PROVIDER_DIRECTORY : PROVIDER_STATIC;
        } else if (PROVIDER_DIRECTORY.equals(provider) && Files.isRegularFile(source)) {
            throw new UsageException("--inventory " + source + " is a file but --provider directory wants a folder");
        } else if (PROVIDER_STATIC.equals(provider) && Files.isDirectory(source)) {
            throw new UsageException(
                    "--inventory " + source + " is a folder but --provider static wants an inventory file");
        }
        return new TargetSelector(provider, source.toString(), in.environment(), in.landingZones(), in.labels());
    }

    private static RunOptions options(RequestInput in, WorkflowConfig config) {
        Phases phases;
        if (in.scannerOnly()) {
            if (Boolean.TRUE.equals(in.backup()) || Boolean.TRUE.equals(in.patch())
                    || Boolean.TRUE.equals(in.validation())) {
                throw new UsageException("--scanner-only turns every phase off; it cannot be combined with "
                        + "--backup, --patch or --validation");
            }
            phases = Phases.SCANNER_ONLY;
        } else {
            phases = new Phases(pick(in.backup(), config.backup()), pick(in.patch(), config.patch()),
                    pick(in.validation(), config.validation()));
        }
        String maxConcurrency = in.maxConcurrency() != null ? in.maxConcurrency() : config.maxConcurrency();
        RequestInput.RolloutInput r = in.rollout();
        String strategy = r.strategy() != null ? r.strategy() : config.rolloutStrategy();
        RolloutPolicy.CanaryPolicy canary = r.canaryGate() == null && r.bakeSeconds() == null
                ? null
                : new RolloutPolicy.CanaryPolicy(r.canaryGate(), r.bakeSeconds());
        RolloutPolicy rollout = new RolloutPolicy(strategy, maxConcurrency, r.batches(), canary, r.maxErrors(), null,
                notAfter(r.notAfter()));
        List<CheckSpec> checks = new ArrayList<>(checks(in, config));
        if (isAws(in) && phases.validation()) {
            // validation.health_checks / validation.ssm_ping (on unless the file turns them off).
            if (!Boolean.FALSE.equals(config.healthChecks())) {
                for (String type : List.of(CheckSpec.AWS_INSTANCE_RUNNING, CheckSpec.AWS_BACKUP_IMAGE,
                        CheckSpec.AWS_PATCH_COMPLIANCE)) {
                    if (type.equals(CheckSpec.AWS_BACKUP_IMAGE) && !phases.backup()) {
                        continue;
                    }
                    checks.add(new CheckSpec(type, type, null, null, null, null, null));
                }
            }
            if (!Boolean.FALSE.equals(config.ssmPing())) {
                checks.add(new CheckSpec(CheckSpec.AWS_SSM_ONLINE, CheckSpec.AWS_SSM_ONLINE, null, null, null, null,
                        null));
            }
        }
        return new RunOptions(in.dryRun(), phases, rollout, checks, config.aws());
    }

    private static java.time.Instant notAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value.trim()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new UsageException("--not-after: '" + value + "' is not an ISO-8601 time with an offset, e.g. "
                    + "2026-11-20T23:00:00Z");
        }
    }

    /** Check flags replace the file's list as a whole: merging two lists would surprise. */
    private static List<CheckSpec> checks(RequestInput in, WorkflowConfig config) {
        boolean flagged = !in.checkTypes().isEmpty() || !in.checkCommands().isEmpty() || !in.checkHttp().isEmpty();
        if (!flagged) {
            return config.checks() == null ? List.of() : config.checks();
        }
        List<CheckSpec> checks = new ArrayList<>();
        for (String type : in.checkTypes()) {
            if (!ARGUMENTLESS_CHECKS.contains(type)) {
                throw new UsageException(
                        "--check " + type + ": unknown check; --check takes 'version', 'kubernetes', 'db-version' or "
                                + "'db-cluster' (use --check-command or --check-http for the others)");
            }
            checks.add(new CheckSpec(type, type, null, null, null, null, null));
        }
        for (String commandLine : in.checkCommands()) {
            List<String> argv = CommandSplitter.split(commandLine);
            if (argv.isEmpty()) {
                throw new UsageException("--check-command is empty");
            }
            // The command as typed is the name the report shows for this check.
            checks.add(new CheckSpec(commandLine.strip(), CheckSpec.COMMAND, argv, null, null, null, null));
        }
        for (String url : in.checkHttp()) {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new UsageException("--check-http " + url + ": expected an http:// or https:// URL");
            }
            checks.add(new CheckSpec(url, CheckSpec.HTTP, null, url, null, null, null));
        }
        return checks;
    }

    private static boolean pick(Boolean flag, Boolean file) {
        return flag != null ? flag : file == null || file;
    }

    private static void require(String value, String flag) {
        if (value == null || value.isBlank()) {
            throw new UsageException(flag + " is required");
        }
    }

    /** The same schema every consumer checks: catch a bad value here, naming the flag, not in a DLQ. */
    static void validate(PatchRequested request) {
        JsonNode tree = EventJson.mapper().valueToTree(request);
        List<String> errors = EventSchemas.instance().errors(EventType.PATCH_REQUESTED, tree);
        if (!errors.isEmpty()) {
            List<String> named = errors.stream().map(RequestBuilder::nameFlag).toList();
            throw new UsageException(
                    "the request does not pass the PatchRequested schema: " + String.join("; ", named));
        }
    }

    /** JSON paths of the request, most specific first, and the flag that sets each. */
    private static final List<Map.Entry<String, String>> FLAGS = List.of(Map.entry("$.runId", "--run-id"),
            Map.entry("$.requestedBy", "--requested-by"), Map.entry("$.patch.id", "--patch-id"),
            Map.entry("$.patch.version", "--patch-version"), Map.entry("$.patch.executor", "--executor"),
            Map.entry("$.patch.command", "--command/--arg"), Map.entry("$.patch.timeoutSeconds", "--timeout-seconds"),
            Map.entry("$.patch.parameters", "--param"), Map.entry("$.targets.provider", "--provider"),
            Map.entry("$.targets.source", "--inventory"), Map.entry("$.targets.environment", "--environment"),
            Map.entry("$.targets.landingZones", "--landing-zones"), Map.entry("$.targets.labels", "--label"),
            Map.entry("$.options.rollout.maxConcurrency", "--max-concurrency (or rollout.max_concurrency in --config)"),
            Map.entry("$.options.rollout.strategy", "--strategy (or rollout.strategy in --config)"),
            Map.entry("$.options.rollout.batches", "--batches"),
            Map.entry("$.options.rollout.canary", "--canary-gate/--bake-seconds"),
            Map.entry("$.options.rollout.maxErrors", "--max-errors"),
            Map.entry("$.options.rollout.notAfter", "--not-after"),
            Map.entry("$.options.checks", "--check/--check-command/--check-http (or checks in --config)"),
            Map.entry("$.options.phases", "workflow.phases in --config"));

    private static String nameFlag(String error) {
        for (Map.Entry<String, String> entry : FLAGS) {
            String path = entry.getKey();
            if (error.startsWith(path + ":") || error.startsWith(path + ".") || error.startsWith(path + "[")) {
                return entry.getValue() + ": " + error;
            }
        }
        return error;
    }
}
