package dev.patchflow.report.domain;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * The drift section of a streamed report: the run's drifted targets ({@link RunRules#drift}) read from the view
 * store one at a time, in target id order, so that a 100,000-target drift audit is reported in the memory of one
 * batch of views, like its targets.
 */
public final class DriftAudit {

    private DriftAudit() {
    }

    /**
     * The drifted targets of the run whose summary is {@code run}; empty without a patch (no version is wanted,
     * and the report has no drift section). Close the stream to release the cursor.
     */
    public static Optional<Stream<RunReport.Drift>> stream(ViewStore store, RunReport run) {
        if (run.patch() == null) {
            return Optional.empty();
        }
        String wanted = run.patch().version();
        return Optional.of(store.streamDriftCandidates(run.runId(), run.dryRun()).map(TargetReport::of)
                .map(t -> RunRules.drift(run.dryRun(), wanted, t)).flatMap(Optional::stream));
    }
}
