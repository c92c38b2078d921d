package dev.patchflow.scanner.domain;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The registry of inventory providers, by name. */
public final class InventoryProviders {

    private final Map<String, InventoryProvider> byName = new TreeMap<>();

    public InventoryProviders(Collection<? extends InventoryProvider> providers) {
        for (InventoryProvider provider : providers) {
            InventoryProvider previous = byName.put(provider.name(), provider);
            if (previous != null) {
                throw new IllegalStateException("two inventory providers are named '" + provider.name() + "': "
                        + previous.getClass().getName() + " and " + provider.getClass().getName());
            }
        }
    }

    public Optional<InventoryProvider> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    /** For messages: {@code directory, static}. */
    public String knownNames() {
        return String.join(", ", byName.keySet());
    }
}
