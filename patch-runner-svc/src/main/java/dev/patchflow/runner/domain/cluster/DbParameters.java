package dev.patchflow.runner.domain.cluster;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.patchflow.dbcluster.checks.DbChecks;
import dev.patchflow.schemas.events.PatchSpec;

/**
 * The {@code db-cluster} executor's {@code patch.parameters}, each defaulting to the service's
 * {@link ClusterSettings}: {@code maxLag}, {@code minFreeBytes}, {@code freeSpacePath}, {@code maxBackupAge}
 * (ISO-8601 or {@code 90s}/{@code 30m}/{@code 24h}/{@code 7d}), {@code cloneTest} ({@code true}/{@code false};
 * default: when the engine can clone), {@code versionQuery} (PostgreSQL), {@code stopCommand} /
 * {@code startCommand} (argv split on whitespace; MongoDB stops mongod around the update).
 */
public record DbParameters(long maxLag, long minFreeBytes, String freeSpacePath, Duration maxBackupAge,
        Boolean cloneTest, String versionQuery, List<String> stopCommand, List<String> startCommand) {

    public static final String MIN_FREE_BYTES = "minFreeBytes";
    public static final String FREE_SPACE_PATH = "freeSpacePath";
    public static final String MAX_BACKUP_AGE = "maxBackupAge";
    public static final String CLONE_TEST = "cloneTest";
    public static final String STOP_COMMAND = "stopCommand";
    public static final String START_COMMAND = "startCommand";

    public static DbParameters of(PatchSpec patch, ClusterSettings defaults) {
        Map<String, String> p = patch.parameters();
        String clone = p.get(CLONE_TEST);
        return new DbParameters(DbChecks.longParameter(p, DbChecks.MAX_LAG, defaults.maxLag()),
                DbChecks.longParameter(p, MIN_FREE_BYTES, defaults.minFreeBytes()),
                p.getOrDefault(FREE_SPACE_PATH, defaults.freeSpacePath()),
                p.containsKey(MAX_BACKUP_AGE) ? duration(p.get(MAX_BACKUP_AGE)) : defaults.maxBackupAge(),
                clone == null || clone.isBlank() ? null : Boolean.valueOf(clone.trim()),
                p.get(DbChecks.VERSION_QUERY), argv(p.get(STOP_COMMAND)), argv(p.get(START_COMMAND)));
    }

    static List<String> argv(String value) {
        return value == null || value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
    }

    static Duration duration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofSeconds(Long.parseLong(v));
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("patch.parameters.maxBackupAge '" + value + "' is not a duration "
                    + "(e.g. PT24H, 24h, 7d)");
        }
    }
}
