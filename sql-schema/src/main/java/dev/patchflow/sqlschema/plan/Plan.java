package dev.patchflow.sqlschema.plan;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The ordered statements that take a current schema to a desired one: renames, foreign keys that are in the way
 * dropped, one {@code ALTER TABLE} per table, new tables (after the tables they reference), foreign keys added
 * (after the tables and columns they name), tables dropped.
 */
public record Plan(List<PlannedStatement> statements) {

    public Plan {
        statements = List.copyOf(statements);
    }

    public boolean isEmpty() {
        return statements.isEmpty();
    }

    public Set<Destructive> destructive() {
        Set<Destructive> kinds = EnumSet.noneOf(Destructive.class);
        statements.forEach(statement -> kinds.addAll(statement.destructive()));
        return kinds;
    }

    /**
     * The plan as a SQL script: each statement preceded by comments saying what it changes and, for destructive
     * ones, which allowance it needs.
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        long destructiveCount = statements.stream().filter(PlannedStatement::isDestructive).count();
        if (statements.isEmpty()) {
            return "-- schema plan: nothing to change, the schema is already as desired\n";
        }
        out.append("-- schema plan: ").append(statements.size())
                .append(statements.size() == 1 ? " statement" : " statements");
        if (destructiveCount > 0) {
            out.append(", ").append(destructiveCount).append(" destructive (allowances needed: ")
                    .append(destructive().stream().map(Destructive::key).collect(Collectors.joining(", ")))
                    .append(')');
        }
        out.append('\n');
        for (PlannedStatement statement : statements) {
            out.append('\n');
            for (Change change : statement.changes()) {
                out.append("-- [").append(statement.number()).append("] ");
                if (!change.destructive().isEmpty()) {
                    out.append("DESTRUCTIVE (").append(change.destructive().stream().map(Destructive::key).sorted()
                            .collect(Collectors.joining(", "))).append("): ");
                }
                out.append(change.description()).append('\n');
            }
            out.append(statement.sql()).append(";\n");
        }
        return out.toString();
    }
}
