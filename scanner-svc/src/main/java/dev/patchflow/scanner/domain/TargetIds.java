package dev.patchflow.scanner.domain;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.patchflow.schemas.events.Target;

/**
 * Target ids end up in Kafka keys ({@code runId/targetId}), S3 keys and the ledger: they must match the
 * contract's pattern and be unique within a run.
 */
public final class TargetIds {

    /** The {@code targetId} pattern of {@code common.schema.json}. */
    public static final Pattern PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}$");

    private TargetIds() {
    }

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }

    /** Why {@code id} cannot be a target id. */
    public static String describeInvalid(String id) {
        return "'" + id + "' is not a valid target id (letters, digits and . _ : @ -, starting with a letter or"
                + " digit, at most 255 characters)";
    }

    /** Every provider's output passes this, so a new provider cannot break the keys downstream. */
    public static void requireValidAndUnique(String provider, List<Target> targets) {
        Set<String> seen = new HashSet<>();
        for (Target target : targets) {
            if (!isValid(target.id())) {
                throw new RejectedRunException("inventory provider '" + provider + "' found a target whose id "
                        + describeInvalid(target.id()));
            }
            if (!seen.add(target.id())) {
                throw new RejectedRunException(
                        "inventory provider '" + provider + "' found target id '" + target.id() + "' twice");
            }
        }
    }
}
