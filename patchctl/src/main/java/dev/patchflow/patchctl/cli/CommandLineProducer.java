package dev.patchflow.patchctl.cli;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;

import picocli.CommandLine;

/** Gives the packaged CLI the same exit codes and error messages as {@link Patchctl#execute}. */
@Dependent
public class CommandLineProducer {

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return Patchctl.configure(factory.create());
    }
}
