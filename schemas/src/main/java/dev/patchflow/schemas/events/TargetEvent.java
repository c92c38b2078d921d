package dev.patchflow.schemas.events;

/** An event about one target, carrying the run context so that no service has to ask another. */
public interface TargetEvent {

    RunContext run();

    Target target();
}
