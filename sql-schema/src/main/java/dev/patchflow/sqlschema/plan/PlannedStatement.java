package dev.patchflow.sqlschema.plan;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One statement of a plan, numbered from 1, with what it changes and the states of the tables it touches before
 * and after it.
 *
 * @param rerunnable running it again changes nothing (an {@code UPDATE ... WHERE c IS NULL}): after a crash it is
 *        run again when its landing cannot be told from the tables' structure
 */
public record PlannedStatement(int number, String sql, List<Change> changes, List<TableState> before,
        List<TableState> after, boolean rerunnable) {

    public PlannedStatement {
        changes = List.copyOf(changes);
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    public Set<Destructive> destructive() {
        Set<Destructive> kinds = EnumSet.noneOf(Destructive.class);
        changes.forEach(change -> kinds.addAll(change.destructive()));
        return kinds;
    }

    public boolean isDestructive() {
        return !destructive().isEmpty();
    }
}
