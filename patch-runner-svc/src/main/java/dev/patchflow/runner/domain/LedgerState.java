package dev.patchflow.runner.domain;

/** State of a ledger entry (target × patch version). */
public enum LedgerState {
    APPLYING, APPLIED, FAILED
}
