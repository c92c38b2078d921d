package dev.patchflow.scanner.domain;

import java.util.List;
import java.util.Map;

import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * The selection part of a {@link TargetSelector}, applied after discovery so that every provider
 * selects the same way: environment equal (ignoring case), landing zone any of, labels all of.
 */
public final class TargetFilter {

    private TargetFilter() {
    }

    public static List<Target> select(TargetSelector selector, List<Target> discovered) {
        return discovered.stream().filter(target -> matches(selector, target)).toList();
    }

    public static boolean matches(TargetSelector selector, Target target) {
        String environment = selector.environment();
        if (environment != null && !environment.isBlank() && !environment.equalsIgnoreCase(target.environment())) {
            return false;
        }
        if (!selector.landingZones().isEmpty()
                && (target.landingZone() == null || !selector.landingZones().contains(target.landingZone()))) {
            return false;
        }
        for (Map.Entry<String, String> label : selector.labels().entrySet()) {
            if (!label.getValue().equals(target.labels().get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
