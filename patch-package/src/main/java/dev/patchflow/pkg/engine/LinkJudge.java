package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.archive.ArchiveIndex;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.Operations;

/**
 * Judges symlinks against the install as it will be after the apply: every link is resolved the way the
 * kernel resolves it ({@code readlink -f}), segment by segment, following links of the install and of the
 * package wherever they will be, in a view of the post-apply tree: a path at or below a replaced path is the
 * package's, a path at or below a deleted one is gone, any other path is the install's as it is on disk,
 * read with {@code lstat}. A {@code ..} above the install root, an absolute target outside the install (its
 * given or real path), or more than {@value #MAX_FOLLOWS} links leave the install.
 * <ul>
 * <li>Every symlink the package creates must stay inside.</li>
 * <li>Every symlink of the install that the apply keeps, and that stays inside today, must stay inside
 * after the apply (a package could otherwise bend an existing link outward, e.g. by replacing a directory
 * it goes through with a link).</li>
 * </ul>
 * Links of the install that already lead outside (a data folder on another volume) are the install's own
 * business and are not judged; a package link that goes through one is refused.
 */
final class LinkJudge {

    /** Linux gives up after 40 links in one resolution (ELOOP). */
    static final int MAX_FOLLOWS = 40;

    private enum Type {
        DIRECTORY, FILE, LINK, MISSING
    }

    private record Node(Type type, String target, boolean ofPackage) {

        static final Node DIRECTORY = new Node(Type.DIRECTORY, null, false);
        static final Node FILE = new Node(Type.FILE, null, false);
        static final Node MISSING = new Node(Type.MISSING, null, false);
    }

    @FunctionalInterface
    private interface View {

        Node at(String path) throws IOException;
    }

    /** Where a resolution ended: inside, or outside (or in a loop) after following {@code via}. */
    private record Outcome(boolean inside, boolean loop, String via, Node viaNode) {
    }

    private final Path install;
    private final Path installReal;
    private final ArchiveIndex index;
    private final Operations ops;
    private final Map<String, Boolean> opReplaces = new HashMap<>();
    private final Set<String> createdParents = new HashSet<>();
    private final Set<String> packageDirs = new HashSet<>();
    private final Map<String, Node> installNodes = new HashMap<>();

    /**
     * @param install the install root; null (or missing) when there is none to judge against
     * @param ops the patch's operations; null for a full package, which replaces the whole tree
     */
    private LinkJudge(Path install, ArchiveIndex index, Operations ops) throws IOException {
        this.install = install != null && Fs.isDirectory(install) ? install.toAbsolutePath().normalize() : null;
        this.installReal = this.install == null ? null : this.install.toRealPath();
        this.index = index;
        this.ops = ops;
        if (ops != null) {
            ops.replaceFiles().forEach(p -> opReplaces.put(p, true));
            ops.replaceDirectories().forEach(p -> opReplaces.put(p, true));
            ops.deleteFiles().forEach(p -> opReplaces.put(p, false));
            ops.deleteDirectories().forEach(p -> opReplaces.put(p, false));
            opReplaces.entrySet()
                    .stream()
                    .filter(Map.Entry::getValue)
                    .forEach(e -> createdParents.addAll(ancestors(e.getKey())));
        }
        index.entries().forEach(e -> packageDirs.addAll(ancestors(e.path())));
    }

    /** Judges the package's links and the install's links as the apply will leave them. */
    static void check(Path install, ArchiveIndex index, Operations ops, Refusals refusals) throws IOException {
        LinkJudge judge = new LinkJudge(install, index, ops);
        judge.checkPackageLinks(refusals);
        if (ops != null && judge.install != null) {
            judge.checkInstallLinks(refusals);
        }
    }

    private void checkPackageLinks(Refusals refusals) throws IOException {
        for (ArchiveIndex.Entry link : index.symlinks()) {
            if (ops == null && link.path().equals(PackagePaths.VERSION_MARKER)) {
                continue; // a full package's VERSION entry is not installed
            }
            Outcome after = resolve(this::after, link.path(), link.linkTarget());
            if (!after.inside()) {
                refusals.refuse(Reason.UNSAFE_ENTRY, "symlink '" + link.path() + "' -> '" + link.linkTarget() + "' "
                        + describe(after) + " once applied");
            }
        }
    }

    private void checkInstallLinks(Refusals refusals) throws IOException {
        List<String> links = new ArrayList<>();
        Files.walkFileTree(install, new SimpleFileVisitor<>() {

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(install) || !opReplaces.containsKey(relative(dir))
                        ? FileVisitResult.CONTINUE
                        : FileVisitResult.SKIP_SUBTREE; // replaced or deleted: not the install's after the apply
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isSymbolicLink() && !opReplaces.containsKey(relative(file))) {
                    links.add(relative(file));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE; // unreadable: nothing of it can be judged, nor changed by us
            }
        });
        for (String link : links) {
            String target = Files.readSymbolicLink(install.resolve(link)).toString();
            if (!resolve(this::before, link, target).inside()) {
                continue; // already leads outside (or loops): the install's own business
            }
            Outcome after = resolve(this::after, link, target);
            if (!after.inside()) {
                refusals.refuse(Reason.UNSAFE_ENTRY, "the install's symlink '" + link + "' -> '" + target + "' "
                        + describe(after) + " once the package is applied");
            }
        }
    }

    private String relative(Path p) {
        return install.relativize(p).toString().replace('\\', '/');
    }

    private static String describe(Outcome o) {
        String through = o.via() == null
                ? ""
                : " through the symlink '" + o.via() + "' -> '" + o.viaNode().target() + "' of the "
                        + (o.viaNode().ofPackage() ? "package" : "install");
        return o.loop()
                ? "resolves through more than " + MAX_FOLLOWS + " links (a loop)" + through
                : "resolves outside the install" + through;
    }

    /**
     * Resolves a link at {@code linkPath} whose target is {@code target} in {@code view}, as the kernel would,
     * but continuing lexically past a missing path or a file (the kernel would fail there; a later change could
     * make it resolve).
     */
    private Outcome resolve(View view, String linkPath, String target) throws IOException {
        Deque<String> current = new ArrayDeque<>(ancestors(linkPath).isEmpty()
                ? List.of()
                : List.of(parentOf(linkPath).split("/")));
        Deque<String> todo = new ArrayDeque<>();
        String via = null;
        Node viaNode = null;
        if (!prepend(todo, current, target)) {
            return new Outcome(false, false, null, null);
        }
        int follows = 0;
        while (!todo.isEmpty()) {
            String segment = todo.pollFirst();
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (current.isEmpty()) {
                    return new Outcome(false, false, via, viaNode);
                }
                current.removeLast();
                continue;
            }
            current.addLast(segment);
            Node node = view.at(String.join("/", current));
            if (node.type() == Type.LINK) {
                if (++follows > MAX_FOLLOWS) {
                    return new Outcome(false, true, via, viaNode);
                }
                via = String.join("/", current);
                viaNode = node;
                current.removeLast();
                if (!prepend(todo, current, node.target())) {
                    return new Outcome(false, false, via, viaNode);
                }
            }
        }
        return new Outcome(true, false, null, null);
    }

    /**
     * Puts the segments of a link's target in front of what is left to resolve; an absolute target restarts at
     * the install root when it names a path inside the install. False when it leads outside.
     */
    private boolean prepend(Deque<String> todo, Deque<String> current, String target) {
        String relative = target;
        if (target.startsWith("/")) {
            relative = insideInstall(target);
            if (relative == null) {
                return false;
            }
            current.clear();
        }
        String[] segments = relative.split("/");
        for (int i = segments.length - 1; i >= 0; i--) {
            todo.addFirst(segments[i]);
        }
        return true;
    }

    /** The install-relative form of an absolute path inside the install (by its given or real path), else null. */
    private String insideInstall(String absolute) {
        if (install == null) {
            return null;
        }
        Path p = Path.of(absolute).normalize();
        for (Path base : List.of(installReal, install)) {
            if (p.startsWith(base)) {
                return base.relativize(p).toString();
            }
        }
        return null;
    }

    /** The install as it is (read with lstat, never following a link). */
    private Node before(String path) throws IOException {
        if (path.isEmpty()) {
            return Node.DIRECTORY;
        }
        if (install == null) {
            return Node.MISSING;
        }
        Node cached = installNodes.get(path);
        if (cached != null) {
            return cached;
        }
        Node node;
        Path p = install.resolve(path);
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class, Fs.NOFOLLOW);
            if (attrs.isSymbolicLink()) {
                node = new Node(Type.LINK, Files.readSymbolicLink(p).toString(), false);
            } else if (attrs.isDirectory()) {
                node = Node.DIRECTORY;
            } else {
                node = Node.FILE;
            }
        } catch (NoSuchFileException e) {
            node = Node.MISSING;
        } catch (FileSystemException e) {
            node = Node.MISSING; // ENOTDIR: a file on the way; the kernel would fail here
        }
        installNodes.put(path, node);
        return node;
    }

    /** The install as the apply will leave it. */
    private Node after(String path) throws IOException {
        if (path.isEmpty()) {
            return Node.DIRECTORY;
        }
        if (path.equals(PackagePaths.VERSION_MARKER)) {
            return Node.FILE;
        }
        if (ops == null) {
            return ofPackage(path);
        }
        Boolean replaces = null;
        for (String p = path; p != null; p = parentOf(p)) {
            replaces = opReplaces.get(p);
            if (replaces != null) {
                break;
            }
        }
        if (replaces == null) {
            Node node = before(path);
            return node.type() == Type.MISSING && createdParents.contains(path) ? Node.DIRECTORY : node;
        }
        return replaces ? ofPackage(path) : Node.MISSING;
    }

    private Node ofPackage(String path) {
        return index.get(path).map(e -> switch (e.kind()) {
            case SYMLINK -> new Node(Type.LINK, e.linkTarget(), true);
            case DIRECTORY -> Node.DIRECTORY;
            case FILE -> Node.FILE;
        }).orElse(packageDirs.contains(path) ? Node.DIRECTORY : Node.MISSING);
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? null : path.substring(0, slash);
    }

    private static List<String> ancestors(String path) {
        List<String> out = new ArrayList<>();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            out.add(path.substring(0, slash));
        }
        return out;
    }
}
