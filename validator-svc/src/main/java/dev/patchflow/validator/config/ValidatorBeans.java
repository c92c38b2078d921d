package dev.patchflow.validator.config;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.patchflow.schemas.EventCodec;
import dev.patchflow.validator.domain.HealthCheck;
import dev.patchflow.validator.domain.HealthChecks;
import dev.patchflow.validator.domain.Validator;

/** Wires the framework-free domain: every {@link HealthCheck} bean is registered by its type. */
public class ValidatorBeans {

    @Produces
    @Singleton
    HealthChecks healthChecks(@Any Instance<HealthCheck> checks) {
        return new HealthChecks(checks);
    }

    @Produces
    @Singleton
    Validator validator(HealthChecks checks) {
        return new Validator(checks);
    }

    @Produces
    @Singleton
    EventCodec eventCodec() {
        return new EventCodec();
    }
}
