package dev.patchflow.pkg.archive;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.manifest.Operations;

/**
 * Which entries an archive may hold, decided entry by entry as the archive streams, before anything is
 * written: for a patch package, the new content of every {@code replaceFiles} path (a file or symlink), of
 * every {@code replaceDirectories} tree, and the directories above them, nothing else; after the last entry,
 * every named path must have been there. A full package may hold any tree.
 */
public interface EntryPolicy {

    /** Checks one entry; refusals go to {@code refusals} (STRUCTURE_MISMATCH). Returns false to skip it. */
    boolean accept(String path, ArchiveIndex.Kind kind, Refusals refusals);

    /** After the last entry: what the operations named and the archive lacked (refused entries are not lacking). */
    void finish(ArchiveIndex index, Refusals refusals);

    /** A full package: the whole install tree (a {@code VERSION} entry is ignored by the apply). */
    static EntryPolicy anyTree() {
        return new EntryPolicy() {

            @Override
            public boolean accept(String path, ArchiveIndex.Kind kind, Refusals refusals) {
                return true;
            }

            @Override
            public void finish(ArchiveIndex index, Refusals refusals) {
                // a full package may hold anything safe
            }
        };
    }

    /** A patch package: exactly the content its operations name. */
    static EntryPolicy forOperations(Operations ops) {
        Set<String> files = new HashSet<>(ops.replaceFiles());
        Set<String> dirs = new HashSet<>(ops.replaceDirectories());
        Set<String> ancestors = new HashSet<>();
        Stream.concat(ops.replaceFiles().stream(), ops.replaceDirectories().stream())
                .forEach(p -> ancestors.addAll(ancestorsOf(p)));
        return new EntryPolicy() {

            @Override
            public boolean accept(String path, ArchiveIndex.Kind kind, Refusals refusals) {
                if (files.contains(path)) {
                    if (kind == ArchiveIndex.Kind.DIRECTORY) {
                        refusals.refuse(Reason.STRUCTURE_MISMATCH,
                                "replaceFiles names '" + path + "' but the package holds a directory there");
                        return false;
                    }
                    return true;
                }
                if (dirs.contains(path)) {
                    if (kind != ArchiveIndex.Kind.DIRECTORY) {
                        refusals.refuse(Reason.STRUCTURE_MISMATCH,
                                "replaceDirectories names '" + path + "' but the package holds a "
                                        + kind.name().toLowerCase() + " there");
                        return false;
                    }
                    return true;
                }
                if (ancestorsOf(path).stream().anyMatch(dirs::contains)) {
                    return true;
                }
                if (ancestors.contains(path) && kind == ArchiveIndex.Kind.DIRECTORY) {
                    return true;
                }
                refusals.refuse(Reason.STRUCTURE_MISMATCH,
                        "the package holds '" + path + "', which no operation names");
                return false;
            }

            @Override
            public void finish(ArchiveIndex index, Refusals refusals) {
                for (String f : ops.replaceFiles()) {
                    if (!index.seen(f)) {
                        refusals.refuse(Reason.STRUCTURE_MISMATCH,
                                "replaceFiles names '" + f + "' but the package has no such file");
                    }
                }
                for (String d : ops.replaceDirectories()) {
                    if (!index.seen(d)) {
                        refusals.refuse(Reason.STRUCTURE_MISMATCH,
                                "replaceDirectories names '" + d + "' but the package has no such directory");
                    }
                }
            }
        };
    }

    /** {@code a/b/c} → {@code a}, {@code a/b}. */
    static List<String> ancestorsOf(String path) {
        List<String> out = new java.util.ArrayList<>();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            out.add(path.substring(0, slash));
        }
        return out;
    }
}
