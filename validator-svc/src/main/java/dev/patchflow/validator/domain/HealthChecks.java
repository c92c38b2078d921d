package dev.patchflow.validator.domain;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The registry of check kinds by {@link HealthCheck#type()}; a type registered twice is a wiring bug. */
public final class HealthChecks {

    private final Map<String, HealthCheck> byType;

    public HealthChecks(Iterable<? extends HealthCheck> checks) {
        Map<String, HealthCheck> map = new TreeMap<>();
        for (HealthCheck check : checks) {
            HealthCheck previous = map.putIfAbsent(check.type(), check);
            if (previous != null) {
                throw new IllegalStateException("two checks for type " + check.type() + ": "
                        + previous.getClass().getName() + " and " + check.getClass().getName());
            }
        }
        this.byType = Collections.unmodifiableMap(map);
    }

    public Optional<HealthCheck> forType(String type) {
        return Optional.ofNullable(type == null ? null : byType.get(type));
    }

    /** The registered types, sorted; used in the "unknown check type" detail. */
    public Iterable<String> types() {
        return byType.keySet();
    }
}
