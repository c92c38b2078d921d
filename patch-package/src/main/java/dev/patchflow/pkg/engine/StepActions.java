package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import dev.patchflow.pkg.internal.Fs;

/**
 * The file-system actions of a step and of its undo, each a rename where it matters, shared by the
 * journaled apply and by recovery. Temporary siblings are named {@code .<name>.pf-<what>} beside the target,
 * so that they are renamed within one directory and found again after a crash.
 */
final class StepActions {

    static final String TMP = "tmp";
    static final String NEW = "new";
    static final String OLD = "old";
    static final String RESTORE = "restore";
    static final List<String> SIBLINGS = List.of(TMP, NEW, OLD, RESTORE);

    private StepActions() {
    }

    static Path sibling(Path target, String what) {
        return target.resolveSibling("." + target.getFileName() + ".pf-" + what);
    }

    /** Removes whatever a step left beside its target. */
    static void removeSiblings(Path target) throws IOException {
        for (String what : SIBLINGS) {
            Fs.deleteRecursively(sibling(target, what));
        }
    }

    /** Copies (hard-links where possible) whatever is at {@code target} to {@code backup}, atomically complete. */
    static boolean backup(Path backupDir, int n, Path target) throws IOException {
        if (!Fs.exists(target)) {
            return false;
        }
        Path partial = backupDir.resolve(n + ".partial");
        Fs.deleteRecursively(partial);
        Fs.copyTree(target, partial, true);
        Files.move(partial, backupDir.resolve(Integer.toString(n)), StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** Makes the change of one step (after its journal line and its backup are durable). */
    static void perform(Step step, Path target, Path install, List<String> createdDirs) throws IOException {
        for (String dir : createdDirs) {
            Files.createDirectory(install.resolve(dir));
        }
        switch (step.kind()) {
            case CREATE_INSTALL -> {
                Files.createDirectory(install);
                Fs.fsyncDirectory(install.getParent());
            }
            case REPLACE_FILE, WRITE_VERSION ->
                replaceFile(step.source(), target, step.kind() == StepKind.WRITE_VERSION);
            case REPLACE_DIRECTORY -> replaceDirectory(step.source(), target);
            case DELETE -> delete(target);
        }
    }

    private static void replaceFile(Path staged, Path target, boolean keepStaged) throws IOException {
        Path tmp = sibling(target, TMP);
        Fs.deleteRecursively(tmp);
        if (Files.isSymbolicLink(staged)) {
            Files.createSymbolicLink(tmp, Files.readSymbolicLink(staged));
        } else if (keepStaged) {
            Files.copy(staged, tmp, StandardCopyOption.COPY_ATTRIBUTES);
            Fs.fsync(tmp);
        } else {
            moveOrCopy(staged, tmp); // staged content was fsync'd; a cross-device copy is fsync'd by copyTree
        }
        if (Fs.isDirectory(target)) {
            moveAway(target); // a directory becomes a file; its backup is taken
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); // the batch fsyncs the directory
    }

    private static void replaceDirectory(Path staged, Path target) throws IOException {
        Path fresh = sibling(target, NEW);
        Fs.deleteRecursively(fresh);
        moveOrCopy(staged, fresh);
        if (Fs.exists(target)) {
            Path old = sibling(target, OLD);
            Fs.deleteRecursively(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            Fs.deleteRecursively(old);
        } else {
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void delete(Path target) throws IOException {
        if (!Fs.exists(target)) {
            return;
        }
        if (Fs.isDirectory(target)) {
            moveAway(target);
        } else {
            Files.delete(target);
        }
    }

    /** Renames a directory aside in one atomic step, then deletes it. */
    private static void moveAway(Path dir) throws IOException {
        Path old = sibling(dir, OLD);
        Fs.deleteRecursively(old);
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Fs.deleteRecursively(old);
    }

    /** Rename when work dir and install share a file system, copy otherwise. */
    private static void moveOrCopy(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (e instanceof DirectoryNotEmptyException || !Fs.exists(to)) {
                Fs.deleteRecursively(to);
                Fs.copyTree(from, to, false);
            } else {
                throw e;
            }
        }
    }

    /** Puts a backup back in one rename (a copy/link of it is staged beside the target first). */
    static void restore(Path backup, Path target) throws IOException {
        if (Fs.exists(target) && !Fs.isDirectory(target) && !Files.isSymbolicLink(target)
                && Files.isSameFile(target, backup)) {
            return; // still the original inode (the backup is a hard link to it): never changed in place
        }
        Path staged = sibling(target, RESTORE);
        Fs.deleteRecursively(staged);
        Fs.copyTree(backup, staged, true);
        if (Fs.isDirectory(staged)) {
            Fs.fsyncTree(staged);
        }
        if (Fs.isDirectory(target) || Fs.isDirectory(staged) && Fs.exists(target)) {
            Path old = sibling(target, OLD);
            Fs.deleteRecursively(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            Fs.deleteRecursively(old);
        } else {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
