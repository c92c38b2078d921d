package dev.patchflow.scanner.config;

import java.util.List;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.All;

import dev.patchflow.scanner.domain.InventoryProvider;
import dev.patchflow.scanner.domain.InventoryProviders;
import dev.patchflow.scanner.domain.RunRequestValidator;
import dev.patchflow.scanner.domain.ScanEvents;
import dev.patchflow.scanner.domain.ScanStore;
import dev.patchflow.scanner.domain.Scanner;
import dev.patchflow.schemas.EventCodec;

/** Wires the framework-free domain classes; every {@link InventoryProvider} bean is registered. */
@Singleton
public class ScannerBeans {

    @Produces
    @Singleton
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Produces
    @Singleton
    InventoryProviders inventoryProviders(@All List<InventoryProvider> providers) {
        return new InventoryProviders(providers);
    }

    @Produces
    @Singleton
    RunRequestValidator runRequestValidator(InventoryProviders providers, ScannerConfig config) {
        return new RunRequestValidator(providers, config.executors());
    }

    @Produces
    @Singleton
    Scanner scanner(InventoryProviders providers, RunRequestValidator validator, ScanStore store, ScanEvents events) {
        return new Scanner(providers, validator, store, events);
    }
}
