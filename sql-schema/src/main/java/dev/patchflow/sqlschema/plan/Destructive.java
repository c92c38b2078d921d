package dev.patchflow.sqlschema.plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Kinds of change that can lose data or break readers; the guard refuses each unless the request allows that kind
 * by its {@link #key()}.
 */
public enum Destructive {

    DROP_TABLE("drop-table"), DROP_COLUMN("drop-column"), NARROW_TYPE("narrow-type"), CHANGE_CHARSET(
            "change-charset"), CHANGE_ENGINE(
                    "change-engine"), CHANGE_PRIMARY_KEY("change-primary-key"), NULL_TO_NOT_NULL("null-to-not-null");

    private final String key;

    Destructive(String key) {
        this.key = key;
    }

    /** The name an allowance uses, e.g. {@code drop-column}. */
    public String key() {
        return key;
    }

    public static Optional<Destructive> byKey(String key) {
        String wanted = key.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(kind -> kind.key.equals(wanted)).findFirst();
    }
}
