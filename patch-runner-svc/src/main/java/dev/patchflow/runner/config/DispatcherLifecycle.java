package dev.patchflow.runner.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.patchflow.runner.adapters.mongo.RunnerDatabase;
import dev.patchflow.runner.domain.Dispatcher;

/** Starts the dispatcher with the application: its first pass resumes READY and expired RUNNING targets. */
@ApplicationScoped
public class DispatcherLifecycle {

    private static final Logger LOG = Logger.getLogger(DispatcherLifecycle.class);

    void onStart(@Observes StartupEvent event, RunnerDatabase database, Dispatcher dispatcher) {
        try {
            database.ensureIndexes();
        } catch (RuntimeException e) {
            // Indexes only speed queries up; the runner works (slower) without them.
            LOG.warn("cannot create the run_targets indexes", e);
        }
        dispatcher.start();
    }

    void onStop(@Observes ShutdownEvent event, Dispatcher dispatcher) {
        dispatcher.stop();
    }
}
