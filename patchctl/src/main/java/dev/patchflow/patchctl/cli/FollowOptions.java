package dev.patchflow.patchctl.cli;

import java.time.Duration;

import picocli.CommandLine.Option;

/** How a command that follows a run ({@code request --follow}, {@code runs watch}) waits for report-svc. */
public class FollowOptions {

    @Option(names = "--follow-timeout", paramLabel = "<duration>", defaultValue = "30m", converter = DurationConverter.class, description = "Give up following after this long (default: ${DEFAULT-VALUE}).")
    Duration followTimeout;

    @Option(names = "--poll-interval", paramLabel = "<duration>", defaultValue = "2s", converter = DurationConverter.class, description = "How often to retry report-svc, or to ask one without the live stream (default: ${DEFAULT-VALUE}).")
    Duration pollInterval;

    @Option(names = "--unreachable-timeout", paramLabel = "<duration>", defaultValue = "30s", converter = DurationConverter.class, description = "How long report-svc may stay unreachable while following (default: ${DEFAULT-VALUE}).")
    Duration unreachableTimeout;
}
