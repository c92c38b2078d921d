package dev.patchflow.sdk;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One data patch. Implement {@link #name()} and {@link #execute()}; check {@link #dryRun()} before every write
 * (the helpers of this SDK do it for you) and make every write conditional, so that running the patch twice
 * changes nothing the second time (seed: "patch should not break the data if executed more than once").
 *
 * <pre>
 * public final class FixRuleSeverity extends BasePatch {
 *     public String name() { return "fix_rule_severity"; }
 *     protected PatchResult execute() {
 *         long fixed = ConditionalUpdates.updateEach(rules, filter, fix, dryRun(), log());
 *         return PatchResult.SUCCESS;
 *     }
 * }
 * </pre>
 */
public abstract class BasePatch {

    private PatchOptions options = PatchOptions.DEFAULTS;
    private final Logger log = Logger.getLogger(getClass().getName());

    /** A unique, stable identifier, e.g. {@code fix_rule_severity}: it names the patch's markers. */
    public abstract String name();

    /**
     * The patch logic. Return a failure result for failures you understand; an exception counts as a
     * {@link PatchResult#RETRYABLE_FAILURE} and is logged.
     */
    protected abstract PatchResult execute() throws Exception;

    /** Whether this run must not write anything. */
    public final boolean dryRun() {
        return options.dryRun();
    }

    /** Whether this run is a CI run where the logic is skipped. */
    public final boolean isolated() {
        return options.isolated();
    }

    protected final Logger log() {
        return log;
    }

    /** Runs the patch with {@code options}: skipped when isolated, exceptions turned into a failure. */
    public final PatchResult run(PatchOptions options) {
        this.options = options;
        if (options.isolated()) {
            log.info(() -> name() + ": isolated mode, patch logic skipped");
            return PatchResult.SUCCESS;
        }
        log.info(() -> name() + ": starting" + (options.dryRun() ? " (DRY RUN: nothing is written)" : ""));
        try {
            PatchResult result = execute();
            PatchResult outcome = result == null ? PatchResult.PERMANENT_FAILURE : result;
            log.info(() -> name() + ": " + outcome);
            return outcome;
        } catch (Exception e) {
            log.log(Level.SEVERE, name() + ": failed with " + e, e);
            return PatchResult.RETRYABLE_FAILURE;
        }
    }
}
