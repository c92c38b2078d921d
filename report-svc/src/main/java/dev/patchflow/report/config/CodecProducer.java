package dev.patchflow.report.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.patchflow.schemas.EventCodec;

/** The contract's serde, shared (it is thread-safe and loads the JSON Schemas once). */
public class CodecProducer {

    @Produces
    @Singleton
    EventCodec codec() {
        return new EventCodec();
    }
}
