package dev.patchflow.runner.domain;

import dev.patchflow.schemas.events.PatchSpec;

/** Identity of a ledger entry: one patch version on one target, whatever run applies it. */
public record LedgerKey(String targetId, String patchId, String patchVersion) {

    public static LedgerKey of(String targetId, PatchSpec patch) {
        return new LedgerKey(targetId, patch.id(), patch.version());
    }

    /** The document id: {@code <targetId>|<patchId>|<patchVersion>}. */
    public String id() {
        return targetId + '|' + patchId + '|' + patchVersion;
    }
}
