package dev.patchflow.sdk;

/**
 * The flags every patch honours.
 *
 * @param dryRun read everything, write nothing, log what would be written
 * @param isolated CI mode: the patch logic is skipped and the patch succeeds
 */
public record PatchOptions(boolean dryRun, boolean isolated) {

    public static final PatchOptions DEFAULTS = new PatchOptions(false, false);
}
