package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.patchflow.pkg.internal.Fs;

/**
 * The journaled apply of planned steps to an install whose package is staged and checked. Steps run in
 * batches: each batch's journal lines are written and fsync'd, then the backups of its paths are taken and
 * made durable, then its changes are made (each an atomic rename), then the directories it changed are
 * fsync'd. So every step is journaled and backed up before it happens, and rollback (idempotent per step) can
 * undo a batch in any state. The VERSION marker is a batch of its own, after every other change is durable;
 * COMMIT follows it. Any failure ({@link Error}s included) rolls back through {@link Recovery}.
 */
final class JournaledApply {

    /** Steps per journal batch: one fsync of the journal and of the backups per batch, not per step. */
    static final int BATCH = 512;

    private final ApplyHooks hooks;

    JournaledApply(ApplyHooks hooks) {
        this.hooks = hooks;
    }

    /**
     * Runs {@code steps} (the last one writes the VERSION marker), commits and cleans up.
     *
     * @throws ApplyFailedException a step failed; rolled back, or left for recovery when the rollback failed
     */
    void run(WorkArea work, Path install, Plan plan, String sha256, List<Step> steps) throws IOException {
        Files.createDirectories(work.backup);
        Fs.fsyncTree(work.staging); // staged content is renamed into the install: make it durable first
        Journal journal = Journal.create(work.journal);
        try {
            journal.append(JournalEntry.begin(plan.targetVersion(), plan.installedVersion(),
                    plan.strategy().getClass().getSimpleName(), sha256));
            int last = steps.size() - 1; // the VERSION marker
            for (int from = 0; from < last; from += BATCH) {
                runBatch(journal, work, install, steps, from, Math.min(from + BATCH, last));
            }
            runBatch(journal, work, install, steps, last, last + 1);
            journal.append(JournalEntry.commit());
            journal.close();
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(journal);
            boolean rolledBack;
            try {
                Recovery.rollback(work, install);
                rolledBack = true;
            } catch (IOException | RuntimeException | Error rollbackFailure) {
                e.addSuppressed(rollbackFailure);
                rolledBack = false;
            }
            throw new ApplyFailedException("apply of " + plan.targetVersion() + " to " + install + " failed: " + e
                    + (rolledBack ? "; rolled back" : "; rollback incomplete, call recover()"), e, rolledBack);
        }
        hooks.afterCommit();
        Recovery.finishCommitted(work, install);
    }

    private void runBatch(Journal journal, WorkArea work, Path install, List<Step> steps, int from, int to)
            throws IOException {
        List<Path> targets = new ArrayList<>();
        List<List<String>> created = new ArrayList<>();
        Set<String> willCreate = new HashSet<>();
        for (int n = from; n < to; n++) {
            Step step = steps.get(n);
            Path target = step.kind() == StepKind.CREATE_INSTALL ? install : install.resolve(step.path());
            List<String> createdDirs = step.kind() == StepKind.CREATE_INSTALL
                    ? List.of()
                    : missingParents(install, step.path());
            createdDirs = createdDirs.stream().filter(willCreate::add).toList();
            targets.add(target);
            created.add(createdDirs);
            journal.write(JournalEntry.step(n, step.kind(), step.path(), Fs.exists(target), createdDirs));
        }
        journal.sync();
        // backups are independent of each other: take them in parallel (hard links, or copies)
        Map<Path, Integer> stepOf = new LinkedHashMap<>();
        for (int n = from; n < to; n++) {
            stepOf.put(targets.get(n - from), n);
        }
        Fs.forEachParallel(stepOf.keySet(), target -> StepActions.backup(work.backup, stepOf.get(target), target));
        Fs.fsyncDirectory(work.backup);
        Set<Path> changedDirs = new LinkedHashSet<>();
        for (int n = from; n < to; n++) {
            Step step = steps.get(n);
            Path target = targets.get(n - from);
            hooks.beforeStep(n, step.kind(), step.path());
            StepActions.perform(step, target, install, created.get(n - from));
            changedDirs.add(target.getParent());
            created.get(n - from).forEach(d -> changedDirs.add(install.resolve(d).getParent()));
            hooks.afterStep(n, step.kind(), step.path());
        }
        Fs.fsyncAll(changedDirs);
    }

    private static void closeQuietly(Journal journal) {
        try {
            journal.close();
        } catch (IOException ignored) {
            // the lines that matter were fsync'd already
        }
    }

    private static List<String> missingParents(Path install, String path) {
        List<String> missing = new ArrayList<>();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String ancestor = path.substring(0, slash);
            if (!Fs.exists(install.resolve(ancestor))) {
                missing.add(ancestor);
            }
        }
        return missing;
    }
}
