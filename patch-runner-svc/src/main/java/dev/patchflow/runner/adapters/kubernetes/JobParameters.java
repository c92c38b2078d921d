package dev.patchflow.runner.adapters.kubernetes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.patchflow.runner.config.KubernetesJobConfig;
import dev.patchflow.schemas.events.PatchSpec;

/**
 * The {@code k8s-job} settings of one request: {@code patch.parameters} over {@code patchflow.runner.k8s-job.*}.
 * Every bad value is refused with the parameter's name, before anything is created.
 *
 * @param image the patch image (required)
 * @param envFromSecrets Secrets whose keys become environment variables ({@code envFrom})
 * @param secretFiles Secrets mounted read-only as files under {@code /var/run/secrets/patchflow/<name>/}
 *        (Vault Agent style: the patch reads a file, never an environment variable)
 * @param activeDeadlineSeconds {@code patch.timeoutSeconds}, else the runner's default timeout
 */
public record JobParameters(String image, List<String> envFromSecrets, List<String> secretFiles,
        String serviceAccount, int backoffLimit, long activeDeadlineSeconds, int ttlSecondsAfterFinished,
        List<Integer> nonRetriableExitCodes, Duration serviceWait, String imagePullPolicy) {

    public static final String IMAGE = "image";
    public static final String ENV_FROM_SECRETS = "envFromSecrets";
    public static final String SECRET_FILES = "secretFiles";
    public static final String SERVICE_ACCOUNT = "serviceAccount";
    public static final String BACKOFF_LIMIT = "backoffLimit";
    public static final String TTL = "ttlSecondsAfterFinished";
    public static final String NON_RETRIABLE = "nonRetriableExitCodes";
    public static final String SERVICE_WAIT = "serviceWaitSeconds";
    public static final String PULL_POLICY = "imagePullPolicy";

    /** A DNS-1123 name (Secrets, service accounts). */
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");

    public static JobParameters of(PatchSpec patch, Duration timeout, KubernetesJobConfig defaults) {
        Map<String, String> p = patch.parameters();
        String image = p.get(IMAGE);
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("patch.parameters." + IMAGE
                    + " is missing: the k8s-job executor runs a patch image");
        }
        if (image.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("patch.parameters." + IMAGE + " '" + image + "' contains whitespace");
        }
        String serviceAccount = Optional.ofNullable(p.get(SERVICE_ACCOUNT)).filter(s -> !s.isBlank())
                .orElse(defaults.serviceAccount().orElse(null));
        if (serviceAccount != null) {
            names(SERVICE_ACCOUNT, serviceAccount);
        }
        String pullPolicy = p.get(PULL_POLICY);
        if (pullPolicy != null && !PULL_POLICIES.contains(pullPolicy)) {
            throw new IllegalArgumentException("patch.parameters." + PULL_POLICY + " '" + pullPolicy
                    + "' is not one of " + String.join(", ", PULL_POLICIES));
        }
        List<Integer> codes = p.containsKey(NON_RETRIABLE)
                ? exitCodes(p.get(NON_RETRIABLE))
                : List.copyOf(defaults.nonRetriableExitCodes());
        long deadline = Math.max(1, timeout.toSeconds());
        Duration wait = p.containsKey(SERVICE_WAIT)
                ? Duration.ofSeconds(number(SERVICE_WAIT, p.get(SERVICE_WAIT), 0, 86_400))
                : defaults.serviceWait();
        return new JobParameters(image, names(ENV_FROM_SECRETS, p.get(ENV_FROM_SECRETS)),
                names(SECRET_FILES, p.get(SECRET_FILES)), serviceAccount,
                p.containsKey(BACKOFF_LIMIT)
                        ? (int) number(BACKOFF_LIMIT, p.get(BACKOFF_LIMIT), 0, 100)
                        : defaults.backoffLimit(),
                deadline,
                p.containsKey(TTL)
                        ? (int) number(TTL, p.get(TTL), 0, 30L * 86_400)
                        : defaults.ttlSecondsAfterFinished(),
                codes, wait, pullPolicy);
    }

    private static List<String> names(String parameter, String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            String trimmed = name.trim();
            if (!DNS_NAME.matcher(trimmed).matches()) {
                throw new IllegalArgumentException("patch.parameters." + parameter + ": '" + trimmed
                        + "' is not a Kubernetes object name (lowercase letters, digits, '-' and '.')");
            }
            names.add(trimmed);
        }
        return List.copyOf(names);
    }

    private static List<Integer> exitCodes(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(","))
                .map(code -> (int) number(NON_RETRIABLE, code.trim(), 1, 255))
                .distinct().sorted().toList();
    }

    private static long number(String parameter, String value, long min, long max) {
        try {
            long number = Long.parseLong(value.trim());
            if (number < min || number > max) {
                throw new IllegalArgumentException("patch.parameters." + parameter + " " + number
                        + " is out of range (" + min + ".." + max + ")");
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("patch.parameters." + parameter + " '" + value + "' is not a number");
        }
    }
}
