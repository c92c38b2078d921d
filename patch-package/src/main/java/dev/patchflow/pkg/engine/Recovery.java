package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.internal.Fs;

/**
 * Recovery and rollback from the journal: what an interrupted or failed apply left is rolled back (no COMMIT
 * line: every begun step undone, last first, from its backup) or completed (COMMIT: only the clean-up was
 * missing). Every undo is idempotent, so a crash during recovery is recovered by running it again.
 */
final class Recovery {

    private Recovery() {
    }

    /**
     * Finishes whatever an interrupted apply left for this install. Idempotent; call it for every install
     * before an apply after a restart.
     */
    static RecoveryResult recover(Path installDir, Path workDir) throws IOException {
        Path install = installDir.toAbsolutePath().normalize();
        WorkArea work = new WorkArea(install, workDir.toAbsolutePath().normalize());
        if (!Fs.exists(work.journal)) {
            return new RecoveryResult(RecoveryResult.Outcome.NOTHING, ApplyPlanner.readMarker(install).orElse(null),
                    "no unfinished apply");
        }
        try (AutoCloseable lock = work.lock()) {
            List<JournalEntry> entries = Journal.read(work.journal);
            boolean committed = entries.stream().anyMatch(e -> JournalEntry.COMMIT.equals(e.type()));
            String version = entries.stream()
                    .filter(e -> JournalEntry.BEGIN.equals(e.type()))
                    .map(JournalEntry::version)
                    .findFirst()
                    .orElse("?");
            if (committed) {
                finishCommitted(work, install);
                return new RecoveryResult(RecoveryResult.Outcome.COMPLETED,
                        ApplyPlanner.readMarker(install).orElse(null),
                        "apply of " + version + " had committed; clean-up finished");
            }
            long begun = entries.stream().filter(e -> JournalEntry.STEP.equals(e.type())).count();
            rollback(work, install);
            return new RecoveryResult(RecoveryResult.Outcome.ROLLED_BACK, ApplyPlanner.readMarker(install).orElse(null),
                    "apply of " + version + " was interrupted after " + begun + " begun step(s); rolled back");
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** Undoes every journaled step, last first, then deletes the journal and the scratch files. */
    static void rollback(WorkArea work, Path install) throws IOException {
        List<JournalEntry> steps = Journal.read(work.journal)
                .stream()
                .filter(e -> JournalEntry.STEP.equals(e.type()))
                .toList();
        Set<Path> changedDirs = new LinkedHashSet<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            undo(work, install, steps.get(i), changedDirs);
        }
        Fs.fsyncAll(changedDirs.stream().filter(Fs::isDirectory).toList());
        Files.delete(work.journal);
        Fs.fsyncDirectory(work.dir);
        work.clearScratch();
    }

    /**
     * Undoes one step: its temporary siblings go; a path that existed gets its complete backup back (no
     * complete backup: the change never started); a path that did not exist is deleted with the parent
     * directories the step created.
     */
    private static void undo(WorkArea work, Path install, JournalEntry step, Set<Path> changedDirs)
            throws IOException {
        if (step.op() == StepKind.CREATE_INSTALL) {
            Fs.deleteRecursively(install);
            changedDirs.add(install.getParent());
            return;
        }
        Path target = PackagePaths.resolve(install, step.path());
        if (Fs.exists(target.getParent())) {
            StepActions.removeSiblings(target);
        }
        Path backup = work.backupOf(step.n());
        if (Boolean.TRUE.equals(step.existed())) {
            if (Fs.exists(backup)) {
                StepActions.restore(backup, target);
            }
        } else {
            Fs.deleteRecursively(target);
            List<String> created = step.createdDirs() == null ? List.of() : step.createdDirs();
            for (int i = created.size() - 1; i >= 0; i--) {
                Fs.deleteIfEmptyDirectory(install.resolve(created.get(i)));
            }
        }
        changedDirs.add(target.getParent());
        if (step.createdDirs() != null) {
            step.createdDirs().forEach(d -> changedDirs.add(install.resolve(d).getParent()));
        }
    }

    /** After COMMIT: leftovers of the steps (renamed-away old trees), backups, staging, then the journal. */
    static void finishCommitted(WorkArea work, Path install) throws IOException {
        for (JournalEntry step : Journal.read(work.journal)) {
            if (JournalEntry.STEP.equals(step.type()) && step.op() != StepKind.CREATE_INSTALL) {
                StepActions.removeSiblings(PackagePaths.resolve(install, step.path()));
            }
        }
        work.clearScratch();
        Files.delete(work.journal);
        Fs.fsyncDirectory(work.dir);
    }
}
