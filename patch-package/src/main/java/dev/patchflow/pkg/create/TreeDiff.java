package dev.patchflow.pkg.create;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.Operations;

/**
 * The operations that turn tree {@code from} into tree {@code to}: a file or symlink that is new or
 * differs (content, mode, link target) → replaceFiles; a directory that is new (or was not a
 * directory) → replaceDirectories, as a whole; a file that is gone → deleteFiles; a directory that
 * is gone → deleteDirectories, as a whole. A path whose type changed is only replaced (the
 * replacement removes what was there). The root VERSION marker is left to the engine. Mode changes
 * of directories that exist on both sides are not carried (documented limitation).
 */
public final class TreeDiff {

    private final List<String> replaceFiles = new ArrayList<>();
    private final List<String> replaceDirectories = new ArrayList<>();
    private final List<String> deleteFiles = new ArrayList<>();
    private final List<String> deleteDirectories = new ArrayList<>();

    private TreeDiff() {
    }

    public static Operations diff(Path from, Path to) throws IOException {
        TreeDiff d = new TreeDiff();
        d.walk(from, to, "");
        return new Operations(d.replaceFiles, d.replaceDirectories, d.deleteFiles, d.deleteDirectories);
    }

    private void walk(Path fromRoot, Path toRoot, String dir) throws IOException {
        Path fromDir = dir.isEmpty() ? fromRoot : fromRoot.resolve(dir);
        Path toDir = dir.isEmpty() ? toRoot : toRoot.resolve(dir);
        for (String name : children(toDir)) {
            String rel = dir.isEmpty() ? name : dir + "/" + name;
            if (rel.equals(PackagePaths.VERSION_MARKER)) {
                continue;
            }
            Path t = toDir.resolve(name);
            Path f = fromDir.resolve(name);
            if (Fs.isDirectory(t)) {
                if (Fs.isDirectory(f)) {
                    walk(fromRoot, toRoot, rel);
                } else {
                    replaceDirectories.add(rel);
                }
            } else if (!same(f, t)) {
                replaceFiles.add(rel);
            }
        }
        for (String name : children(fromDir)) {
            String rel = dir.isEmpty() ? name : dir + "/" + name;
            if (rel.equals(PackagePaths.VERSION_MARKER) || Fs.exists(toDir.resolve(name))) {
                continue;
            }
            (Fs.isDirectory(fromDir.resolve(name)) ? deleteDirectories : deleteFiles).add(rel);
        }
    }

    private static List<String> children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean same(Path f, Path t) throws IOException {
        if (!Fs.exists(f)) {
            return false;
        }
        boolean fl = Files.isSymbolicLink(f);
        boolean tl = Files.isSymbolicLink(t);
        if (fl || tl) {
            return fl && tl && Files.readSymbolicLink(f).equals(Files.readSymbolicLink(t));
        }
        if (!Files.isRegularFile(f, Fs.NOFOLLOW) || !Files.isRegularFile(t, Fs.NOFOLLOW)) {
            return false;
        }
        return Files.size(f) == Files.size(t) && Fs.mode(f).equals(Fs.mode(t)) && Files.mismatch(f, t) == -1;
    }
}
