package dev.patchflow.runner.support;

import java.util.HashMap;
import java.util.Map;

/** The component profile where another run's lock refuses a target at once. */
public class LocksRefuseProfile extends ComponentProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("patchflow.runner.locks.on-conflict", "refuse");
        config.put("patchflow.runner.locks.ttl", "3s");
        return config;
    }
}
