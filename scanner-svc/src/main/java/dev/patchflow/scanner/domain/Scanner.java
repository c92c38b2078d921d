package dev.patchflow.scanner.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunRejected;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;

/**
 * Handles one {@code PatchRequested}: validate, discover, select, record, emit.
 * <p>
 * Idempotency: the decision (the target list, or the rejection) is recorded before anything is
 * emitted, and everything emitted is derived from the record. A redelivered request finds the record
 * and re-emits the same events (same deterministic ids) without discovering again, so the run's target
 * list never changes; a crash halfway through emitting ends, on redelivery, with every target emitted
 * and one {@code ScanCompleted} whose count matches.
 */
public final class Scanner {

    private final InventoryProviders providers;
    private final RunRequestValidator validator;
    private final ScanStore store;
    private final ScanEvents events;

    public Scanner(InventoryProviders providers, RunRequestValidator validator, ScanStore store, ScanEvents events) {
        this.providers = providers;
        this.validator = validator;
        this.store = store;
        this.events = events;
    }

    public ScanResult scan(PatchRequested request) {
        RunContext context = request.context();
        Optional<ScanRecord> recorded = store.find(request.runId());
        if (recorded.isPresent()) {
            return emit(recorded.get(), context, null, true);
        }
        String attempt = UUID.randomUUID().toString();
        ScanRecord record;
        List<Target> targets = null;
        try {
            Discovery discovery = discover(request);
            targets = discovery.targets();
            record = store.recordScan(context, attempt, targets, discovery.zoneErrors());
        } catch (RejectedRunException e) {
            record = store.recordRejection(context, attempt, e.getMessage());
        }
        boolean ours = attempt.equals(record.attempt());
        return emit(record, context, ours ? targets : null, !ours);
    }

    private Discovery discover(PatchRequested request) {
        List<String> problems = validator.problems(request);
        if (!problems.isEmpty()) {
            throw new RejectedRunException(String.join("; ", problems));
        }
        InventoryProvider provider = providers.find(request.targets().provider()).orElseThrow();
        Discovery discovery = provider.discover(request.context());
        TargetIds.requireValidAndUnique(provider.name(), discovery.targets());
        return new Discovery(TargetFilter.select(request.targets(), discovery.targets()), discovery.zoneErrors());
    }

    private ScanResult emit(ScanRecord record, RunContext requested, List<Target> fresh, boolean replayed) {
        if (!record.context().equals(requested)) {
            throw new ConflictingRequestException("run id '" + record.runId() + "' was already used by a different"
                    + " request (patch " + record.context().patch().id() + " " + record.context().patch().version()
                    + ", requested by " + record.context().requestedBy() + " at " + record.context().requestedAt()
                    + "); a new run needs a new run id");
        }
        switch (record.state()) {
            case REJECTED -> events.publishAll(List.of(new RunRejected(record.context(), record.reason())));
            case SCANNED -> {
                List<Target> targets = fresh != null ? fresh : store.targets(record);
                if (targets.size() != record.targetCount()) {
                    throw new IllegalStateException("scan checkpoint of run " + record.runId() + " records "
                            + record.targetCount() + " targets but " + targets.size() + " target documents");
                }
                List<InstanceScanned> scanned = new ArrayList<>(targets.size());
                for (Target target : targets) {
                    scanned.add(new InstanceScanned(record.context(), target));
                }
                // Every InstanceScanned is acknowledged before the count goes out, so a consumer that
                // sees ScanCompleted can rely on the targets being in the log.
                events.publishAll(scanned);
                events.publishAll(
                        List.of(new ScanCompleted(record.context(), record.targetCount(), record.zoneErrors())));
            }
        }
        store.markEmitted(record.runId());
        return new ScanResult(record.runId(), record.state(), record.targetCount(), record.reason(), replayed);
    }
}
