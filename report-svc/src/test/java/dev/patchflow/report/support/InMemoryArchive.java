package dev.patchflow.report.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/** The report archive of the in-memory component tests (enabled by {@link InMemoryProfile} only). */
@Alternative
@ApplicationScoped
public class InMemoryArchive extends RecordingArchive {
}
