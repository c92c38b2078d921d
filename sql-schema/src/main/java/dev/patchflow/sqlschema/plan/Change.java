package dev.patchflow.sqlschema.plan;

import java.util.Set;

/**
 * One thing a statement changes, said for a person ({@code add column `last_login`}), with the destructive kinds it
 * is (empty: safe).
 */
public record Change(String description, Set<Destructive> destructive) {

    public Change {
        destructive = Set.copyOf(destructive);
    }

    public static Change safe(String description) {
        return new Change(description, Set.of());
    }
}
