package dev.patchflow.pkg.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.internal.Fs;

/**
 * Extracts a tar.gz into an empty staging directory, refusing anything that could reach outside
 * it or exhaust the disk: absolute paths, '..' segments, entries below a symlink, symlinks whose
 * target is absolute, leaves the root or goes through another symlink, hard links, devices,
 * fifos, sparse or unknown entry types, duplicate entries, and more entries or bytes than the
 * limits. On refusal the staging directory is deleted; the install is never involved.
 * Symlinks are created last, after every regular entry, so nothing is ever written through one.
 */
public final class SafeExtractor {

    private final PackageLimits limits;

    public SafeExtractor(PackageLimits limits) {
        this.limits = limits;
    }

    /** Extracts {@code tarGz} into {@code root} (created; must not exist or be empty). */
    public void extract(Path tarGz, Path root) throws IOException {
        try (InputStream in = Files.newInputStream(tarGz)) {
            extract(in, root);
        }
    }

    public void extract(InputStream tarGzStream, Path root) throws IOException {
        Files.createDirectories(root);
        try {
            doExtract(tarGzStream, root.toAbsolutePath().normalize());
        } catch (PackageRefusedException e) {
            Fs.deleteRecursively(root);
            throw e;
        } catch (IOException e) {
            Fs.deleteRecursively(root);
            throw new PackageRefusedException(Reason.CORRUPT_ARCHIVE, e.getMessage(), e);
        }
    }

    private void doExtract(InputStream raw, Path root) throws IOException {
        Map<String, Character> kinds = new HashMap<>(); // 'f' file, 'd' dir, 'l' symlink
        Map<String, Integer> dirModes = new LinkedHashMap<>();
        Map<String, String> symlinks = new LinkedHashMap<>();
        int entries = 0;
        long bytes = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(raw, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (++entries > limits.maxEntries()) {
                    throw new PackageRefusedException(Reason.ARCHIVE_TOO_LARGE,
                            "more than " + limits.maxEntries() + " entries");
                }
                String name = entryName(entry);
                if (name.isEmpty() && entry.isDirectory()) {
                    continue; // the "./" root entry
                }
                String problem = PackagePaths.problem(name);
                if (problem != null) {
                    throw new PackageRefusedException(Reason.UNSAFE_PATH, problem);
                }
                checkNoSymlinkAncestor(name, kinds);
                Character previous = kinds.get(name);
                if (previous != null && !(previous == 'd' && entry.isDirectory())) {
                    throw new PackageRefusedException(Reason.UNSAFE_ENTRY, "duplicate entry '" + name + "'");
                }
                Path target = root.resolve(name);
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    kinds.put(name, 'd');
                    dirModes.put(name, entry.getMode() & 0777);
                } else if (entry.isSymbolicLink()) {
                    kinds.put(name, 'l');
                    symlinks.put(name, entry.getLinkName());
                } else if (isRegularFile(entry)) {
                    long size = entry.getSize();
                    if (bytes + size > limits.maxUncompressedBytes()) {
                        throw new PackageRefusedException(Reason.ARCHIVE_TOO_LARGE,
                                "more than " + limits.maxUncompressedBytes() + " uncompressed bytes");
                    }
                    bytes += size;
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        tar.transferTo(out);
                    }
                    Fs.setMode(target, Fs.fromBits(entry.getMode() & 0777));
                    kinds.put(name, 'f');
                } else {
                    throw new PackageRefusedException(Reason.UNSAFE_ENTRY,
                            "'" + name + "' is a " + describe(entry)
                                    + "; only files, directories and symlinks inside the package are allowed");
                }
            }
        }
        for (Map.Entry<String, String> link : symlinks.entrySet()) {
            checkSymlink(link.getKey(), link.getValue(), kinds);
        }
        for (String name : kinds.keySet()) {
            checkNoSymlinkAncestor(name, kinds);
        }
        for (Map.Entry<String, String> link : symlinks.entrySet()) {
            Path at = root.resolve(link.getKey());
            Files.createDirectories(at.getParent());
            Files.createSymbolicLink(at, Path.of(link.getValue()));
        }
        // directory modes last (deepest first), so a read-only directory did not stop its children
        Deque<Map.Entry<String, Integer>> stack = new ArrayDeque<>(dirModes.entrySet());
        while (!stack.isEmpty()) {
            Map.Entry<String, Integer> d = stack.pollLast();
            Fs.setMode(root.resolve(d.getKey()), Fs.fromBits(d.getValue()));
        }
    }

    private static String entryName(TarArchiveEntry entry) {
        String name = entry.getName();
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        if (name.equals(".")) {
            return "";
        }
        if (entry.isDirectory() && name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return !entry.isSparse() && (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
                || flag == TarConstants.LF_CONTIG);
    }

    private static String describe(TarArchiveEntry entry) {
        if (entry.isLink()) {
            return "hard link (to '" + entry.getLinkName() + "')";
        }
        if (entry.isCharacterDevice()) {
            return "character device";
        }
        if (entry.isBlockDevice()) {
            return "block device";
        }
        if (entry.isFIFO()) {
            return "fifo";
        }
        if (entry.isSparse()) {
            return "sparse file";
        }
        return "entry of type '" + (char) entry.getLinkFlag() + "'";
    }

    private static void checkNoSymlinkAncestor(String name, Map<String, Character> kinds) {
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            Character kind = kinds.get(name.substring(0, slash));
            if (kind != null && kind == 'l') {
                throw new PackageRefusedException(Reason.UNSAFE_PATH,
                        "'" + name + "' lies below the symlink '" + name.substring(0, slash) + "'");
            }
        }
    }

    /**
     * The target, resolved lexically from the link's directory, must stay inside the root and must
     * not pass through another symlink (which could point anywhere, e.g. {@code ..}).
     */
    private static void checkSymlink(String name, String linkTarget, Map<String, Character> kinds) {
        if (linkTarget == null || linkTarget.isEmpty() || linkTarget.startsWith("/") || linkTarget.indexOf('\0') >= 0
                || linkTarget.indexOf('\\') >= 0) {
            throw new PackageRefusedException(Reason.UNSAFE_ENTRY,
                    "symlink '" + name + "' points to '" + linkTarget + "' (absolute or empty)");
        }
        Deque<String> path = new ArrayDeque<>();
        String[] own = name.split("/");
        for (int i = 0; i < own.length - 1; i++) {
            path.addLast(own[i]);
        }
        String[] segments = linkTarget.split("/");
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (path.isEmpty()) {
                    throw new PackageRefusedException(Reason.UNSAFE_ENTRY,
                            "symlink '" + name + "' points outside the package: '" + linkTarget + "'");
                }
                path.removeLast();
            } else {
                path.addLast(segment);
                Character kind = kinds.get(String.join("/", path));
                if (kind != null && kind == 'l' && i < segments.length - 1) {
                    throw new PackageRefusedException(Reason.UNSAFE_ENTRY,
                            "symlink '" + name + "' resolves through the symlink '" + String.join("/", path) + "'");
                }
            }
        }
    }
}
