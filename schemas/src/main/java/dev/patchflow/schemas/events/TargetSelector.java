package dev.patchflow.schemas.events;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which targets a run covers.
 *
 * @param provider the inventory provider: {@code static} (an inventory file) or {@code directory}
 *        (application installs under a root folder)
 * @param source the provider's input: the inventory file or the root folder
 * @param environment only targets of this environment ({@code null}: any)
 * @param landingZones only targets in these landing zones (empty: any)
 * @param labels only targets carrying all these labels (empty: any)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TargetSelector(String provider, String source, String environment, List<String> landingZones,
        Map<String, String> labels) {

    public TargetSelector {
        landingZones = landingZones == null ? List.of() : List.copyOf(landingZones);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
