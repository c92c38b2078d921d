package dev.patchflow.runner.support;

import java.util.HashMap;
import java.util.Map;

/** The component profile with a short lock ttl and a bounded wait on another run's lock. */
public class LocksWaitProfile extends ComponentProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("patchflow.runner.locks.on-conflict", "wait");
        config.put("patchflow.runner.locks.max-wait", "4s");
        config.put("patchflow.runner.locks.ttl", "3s");
        config.put("patchflow.runner.locks.retry-interval", "200ms");
        return config;
    }
}
