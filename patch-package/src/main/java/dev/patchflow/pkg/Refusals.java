package dev.patchflow.pkg;

import java.util.ArrayList;
import java.util.List;

import dev.patchflow.pkg.PackageRefusedException.Reason;

/**
 * Where the checks of a package report what they refuse. The engine stops at the first refusal
 * ({@link #failFast()}: nothing is touched after it); {@code patchctl package verify --deep} collects
 * every one ({@link #collecting()}) so that a publisher learns all of them at once. A check that cannot
 * go on after a refusal (a limit, a corrupt archive) throws in both modes.
 */
public final class Refusals {

    private final boolean failFast;
    private final List<PackageRefusedException> found = new ArrayList<>();

    private Refusals(boolean failFast) {
        this.failFast = failFast;
    }

    public static Refusals failFast() {
        return new Refusals(true);
    }

    public static Refusals collecting() {
        return new Refusals(false);
    }

    /** Refuses: throws when failing fast, else records it and the check goes on with the next item. */
    public void refuse(Reason reason, String detail) {
        PackageRefusedException e = new PackageRefusedException(reason, detail);
        if (failFast) {
            throw e;
        }
        found.add(e);
    }

    /** Records a refusal that was thrown (a check that could not go on). */
    public void add(PackageRefusedException e) {
        found.add(e);
    }

    /** Everything refused so far, in the order found (always empty when failing fast). */
    public List<PackageRefusedException> all() {
        return List.copyOf(found);
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }
}
