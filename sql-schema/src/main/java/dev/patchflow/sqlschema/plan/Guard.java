package dev.patchflow.sqlschema.plan;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Refuses a plan's destructive statements unless the request allows each of their kinds. */
public final class Guard {

    private Guard() {
    }

    /** One statement the guard refuses, and the kinds it would need allowed. */
    public record Offence(PlannedStatement statement, Set<Destructive> missing) {
    }

    /** The statements that need an allowance not in {@code allowed}; empty: the plan may run. */
    public static List<Offence> check(Plan plan, Set<Destructive> allowed) {
        List<Offence> offences = new ArrayList<>();
        for (PlannedStatement statement : plan.statements()) {
            Set<Destructive> missing = EnumSet.noneOf(Destructive.class);
            missing.addAll(statement.destructive());
            missing.removeAll(allowed);
            if (!missing.isEmpty()) {
                offences.add(new Offence(statement, missing));
            }
        }
        return offences;
    }

    /** {@code "drop-column, narrow-type"} → the kinds; an unknown name is an error naming it and the known ones. */
    public static Set<Destructive> parseAllowances(String list) {
        Set<Destructive> allowed = EnumSet.noneOf(Destructive.class);
        if (list == null || list.isBlank()) {
            return allowed;
        }
        for (String item : list.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            allowed.add(Destructive.byKey(item).orElseThrow(() -> new IllegalArgumentException("unknown allowance '"
                    + item.trim() + "' (known: " + java.util.Arrays.stream(Destructive.values()).map(Destructive::key)
                            .collect(Collectors.joining(", "))
                    + ")")));
        }
        return allowed;
    }

    /** One line per refused statement: {@code [3] drop-column: ALTER TABLE ...}. */
    public static String describe(List<Offence> offences) {
        return offences.stream()
                .map(offence -> "[" + offence.statement().number() + "] needs "
                        + offence.missing().stream().map(Destructive::key).sorted().collect(Collectors.joining(", "))
                        + ": " + offence.statement().sql().replace("\n", " ").replaceAll(" +", " "))
                .collect(Collectors.joining("\n"));
    }
}
