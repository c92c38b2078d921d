package dev.patchflow.scanner.domain;

import java.util.List;
import java.util.Optional;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ZoneError;

/** Scan checkpoints: one record per run, and its targets in run order. */
public interface ScanStore {

    Optional<ScanRecord> find(String runId);

    /**
     * Records the targets and then, as the commit point, the run's record. Targets left over by an
     * attempt that crashed before its commit are replaced.
     *
     * @return the record that stands: this attempt's, or an earlier one that committed first
     */
    ScanRecord recordScan(RunContext context, String attempt, List<Target> targets, List<ZoneError> zoneErrors);

    default ScanRecord recordScan(RunContext context, String attempt, List<Target> targets) {
        return recordScan(context, attempt, targets, List.of());
    }

    /** Records a rejection; returns the record that stands (an earlier commit wins). */
    ScanRecord recordRejection(RunContext context, String attempt, String reason);

    /** The recorded targets of a {@link ScanState#SCANNED} run, in run order. */
    List<Target> targets(ScanRecord record);

    /** Notes that everything derived from the record was emitted (once more). */
    void markEmitted(String runId);
}
