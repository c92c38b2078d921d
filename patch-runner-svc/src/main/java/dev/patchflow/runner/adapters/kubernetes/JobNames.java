package dev.patchflow.runner.adapters.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import dev.patchflow.schemas.events.PatchSpec;

/**
 * The Job of one run × target × patch has one name, so that a runner that restarts finds the Job it started
 * (and the API server refuses a second one): {@code pf-<patch>-<workload>-<hash>}, where the hash is of the run
 * id, target id, patch id and version. Kubernetes names: lowercase alphanumerics and '-', starting and ending
 * alphanumeric; at most 63 characters, because the Job controller copies the name into the pods'
 * {@code job-name} label. Here at most 55.
 */
public final class JobNames {

    static final int PART = 20;
    static final int HASH = 10;

    private JobNames() {
    }

    public static String of(String runId, String targetId, PatchSpec patch, String workloadName) {
        return "pf-" + dnsPart(patch.id()) + "-" + dnsPart(workloadName) + "-" + key(runId, targetId, patch);
    }

    /** The hash part, also the Job's {@code patchflow.dev/job-key} label. */
    public static String key(String runId, String targetId, PatchSpec patch) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(String.join("\n", runId, targetId, patch.id(), patch.version())
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Lowercase, other characters as '-', no leading, trailing or repeated '-', at most {@link #PART}. */
    static String dnsPart(String value) {
        String cleaned = value == null ? "" : value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        cleaned = trimDashes(cleaned);
        if (cleaned.length() > PART) {
            cleaned = trimDashes(cleaned.substring(0, PART));
        }
        return cleaned.isEmpty() ? "x" : cleaned;
    }

    /** A label value: at most 63 of {@code [A-Za-z0-9._-]}, alphanumeric at both ends. */
    static String labelValue(String value) {
        String cleaned = value == null ? "" : value.replaceAll("[^A-Za-z0-9._-]+", "-");
        if (cleaned.length() > 63) {
            cleaned = cleaned.substring(0, 63);
        }
        return cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }

    private static String trimDashes(String value) {
        return value.replaceAll("^-+", "").replaceAll("-+$", "");
    }
}
