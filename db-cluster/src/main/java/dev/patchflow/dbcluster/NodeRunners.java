package dev.patchflow.dbcluster;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** Every {@link NodeRunner}, by name. */
public final class NodeRunners {

    private final Map<String, NodeRunner> byName = new TreeMap<>();

    public NodeRunners(Collection<? extends NodeRunner> runners) {
        for (NodeRunner runner : runners) {
            if (byName.putIfAbsent(runner.name(), runner) != null) {
                throw new IllegalStateException("two node runners are named '" + runner.name() + "'");
            }
        }
    }

    public NodeRunner require(String name) {
        NodeRunner runner = byName.get(name);
        if (runner == null) {
            throw new ClusterException(
                    "no node runner '" + name + "' here (known: " + String.join(", ", byName.keySet())
                            + ")");
        }
        return runner;
    }
}
