package dev.patchflow.scanner.domain;

import java.util.List;

import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ZoneError;

/**
 * What a provider found: every target, and the parts of the source it could not read while the rest went on (a
 * landing zone whose role cannot be assumed, a region that does not answer). Recorded with the scan, so a replay
 * reports the same.
 */
public record Discovery(List<Target> targets, List<ZoneError> zoneErrors) {

    public Discovery {
        targets = List.copyOf(targets);
        zoneErrors = zoneErrors == null ? List.of() : List.copyOf(zoneErrors);
    }
}
