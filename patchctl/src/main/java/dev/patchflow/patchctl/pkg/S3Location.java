package dev.patchflow.patchctl.pkg;

import java.util.regex.Pattern;

import dev.patchflow.patchctl.request.UsageException;

/**
 * Where a catalog lives: {@code s3://<bucket>/<prefix>}. The prefix has no leading or trailing
 * slash and may be empty (objects at the bucket's root).
 */
public record S3Location(String bucket, String prefix) {

    // S3's bucket naming rules (what s3proxy and MinIO accept as well).
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** Parses {@code s3://bucket[/prefix]}; {@code flag} names the option in the error. */
    public static S3Location parse(String text, String flag) {
        if (text == null || !text.startsWith("s3://")) {
            throw new UsageException(flag + " must look like s3://<bucket>/<prefix>, got '" + text + "'");
        }
        String rest = text.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : trimSlashes(rest.substring(slash + 1));
        if (!BUCKET.matcher(bucket).matches()) {
            throw new UsageException(flag + ": '" + bucket
                    + "' is not a valid bucket name (3-63 characters: lower-case letters, digits, '.', '-')");
        }
        if (prefix.contains("//")) {
            throw new UsageException(flag + ": the prefix '" + prefix + "' has an empty path segment");
        }
        return new S3Location(bucket, prefix);
    }

    /** The object key of {@code name} under the prefix. */
    public String key(String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** {@code s3://<bucket>/<key of name>}: the form the runner's S3 package source fetches. */
    public String uri(String name) {
        return "s3://" + bucket + "/" + key(name);
    }

    @Override
    public String toString() {
        return prefix.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + prefix;
    }

    private static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }
}
