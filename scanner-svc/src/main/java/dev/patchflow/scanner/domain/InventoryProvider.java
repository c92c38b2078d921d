package dev.patchflow.scanner.domain;

import java.util.List;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * A source of targets. Adding a provider (AWS EC2, Kubernetes, database clusters, ...) means one new
 * implementation: the registry finds every provider bean, and selection by environment, landing zone
 * and labels is applied after discovery by {@link TargetFilter}, identically for all of them.
 */
public interface InventoryProvider {

    /** The name a request uses in {@code targets.provider}, e.g. {@code static}. */
    String name();

    /** What {@code targets.source} means for this provider, for rejection messages. */
    String sourceDescription();

    /**
     * Whether its targets have an install folder on this machine. Checks that read the install
     * (e.g. {@code version}) can only run on such targets.
     */
    boolean providesInstallFolders();

    /**
     * Every target the source holds, in a stable order (selection happens afterwards).
     *
     * @throws RejectedRunException when the source is missing or unreadable; the message names the
     *         file, the line or the field
     */
    List<Target> discover(TargetSelector selector);

    /**
     * Every target of the run's source, and the parts of the source that could not be read while the rest went on.
     * Providers whose source can fail in parts (several accounts, several regions) override this; the run's
     * context gives them its id (e.g. for audit trails) and options (e.g. a scan timeout).
     */
    default Discovery discover(RunContext run) {
        return new Discovery(discover(run.targets()), List.of());
    }

    /** Whether the provider reads {@code targets.source}; one that does not refuses a request that sets it. */
    default boolean needsSource() {
        return true;
    }
}
